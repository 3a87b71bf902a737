import { readFileSync } from 'node:fs';
import { Kvm } from '@nats-io/kv';
import {
  type AnalysisResult,
  type AnalyticEvent,
  buckets,
  type DetectionBatch,
  frameHeaders,
  partitionOf,
  type Scene,
  sceneKey,
  streams,
  subjects,
} from '@sightline/contracts';
import { type JetStreamClient, type NatsConnection, publishBytes, publishJson } from '@sightline/nats';
import { bootService, type ServiceApp, type ServiceRuntime } from '@sightline/service-kit';
import { dataPath, startNats, type TestNats, waitFor } from '@sightline/testing';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { cropRect, fitWithin, type PixelRect } from '../../src/domain/crop-geometry.js';
import { readAtLeast } from '../support/read-subject.js';

const TENANT = 'shop';
const T0 = 1_738_000_020_000;
const dogJpeg = readFileSync(dataPath('images', 'darknet_dog.jpg'));
/** YOLOX-Nano's dog on darknet_dog.jpg (768 x 576), as the inference README gives it. */
const DOG_BOX = [133, 207, 325, 542] as const;

let nats: TestNats;
let runtime: ServiceRuntime;
let app: ServiceApp;
let nc: NatsConnection;
let js: JetStreamClient;

/**
 * A floor zone under the dog: its anchor (bottom centre) is inside from the first frame. Zones
 * count people and vehicles by default; this one counts dogs.
 */
function scene(deviceId: string, eventImages?: Scene['eventImages']): Scene {
  return {
    tenantId: TENANT,
    deviceId,
    sceneId: deviceId,
    version: 1,
    zones: [
      {
        id: 'floor',
        classes: ['dog'],
        polygon: [
          [0, 300],
          [768, 300],
          [768, 576],
          [0, 576],
        ],
      },
    ],
    ...(eventImages ? { eventImages } : {}),
  };
}

beforeAll(async () => {
  nats = await startNats();
  runtime = await bootService({
    service: 'analytics-test',
    version: '0',
    logLevel: 'silent',
    natsUrl: nats.url,
  });
  nc = runtime.nc;
  js = runtime.js;
  const kv = await new Kvm(nc).open(buckets.scenes);
  for (const s of [
    scene('cam-crop', ['SL-ZONE']),
    scene('cam-plain'),
    scene('cam-gone', ['SL-ZONE']),
    scene('cam-other', ['SL-ZONE']),
    scene('cam-edge', ['SL-ZONE']),
  ]) {
    await kv.put(sceneKey(TENANT, s.deviceId), JSON.stringify(s));
  }
  app = await buildApp(runtime, loadConfig({ NATS_URL: nats.url, LOG_LEVEL: 'silent' }));
  await app.start();
}, 30_000);

afterAll(async () => {
  await app?.stop();
  await nc?.drain();
  await nats?.stop();
});

/**
 * Store the JPEG on FRAMES exactly as ingest does, then let it leave FRAMES as inference's ack
 * would make it (interest retention) once the FRAME_HISTORY mirror holds it; returns its sequence.
 */
async function storeFrame(deviceId: string, frameId: string, at: number): Promise<number> {
  const headers = {
    [frameHeaders.frameId]: frameId,
    [frameHeaders.tenantId]: TENANT,
    [frameHeaders.deviceId]: deviceId,
    [frameHeaders.capturedAt]: String(at),
    [frameHeaders.acceptedAt]: String(at),
    [frameHeaders.source]: 'http',
  };
  const ack = await publishBytes(js, subjects.frames(TENANT, deviceId), dogJpeg, { msgId: frameId, headers });
  const jsm = await js.jetstreamManager();
  await waitFor(async () => (await jsm.streams.info(streams.frameHistory.name)).state.last_seq >= ack.seq, {
    what: 'the mirror to copy the frame',
  });
  await jsm.streams.deleteMessage(streams.frames.name, ack.seq);
  return ack.seq;
}

/** The dog, standing still, in frame n of the device: the batch inference would publish. */
function batch(deviceId: string, n: number, frameSeq: number | undefined): DetectionBatch {
  const at = T0 + n * 200;
  return {
    frameId: `${deviceId}-${n}`,
    tenantId: TENANT,
    deviceId,
    capturedAt: at,
    acceptedAt: at,
    analysedAt: at,
    width: 768,
    height: 576,
    model: 'yolox_nano',
    // Edge batches (a device's webhook) are the ones without a stored frame.
    origin: frameSeq === undefined ? 'edge' : 'model',
    detections: [{ label: 'dog', classId: 16, score: 0.83, box: [...DOG_BOX] }],
    ...(frameSeq !== undefined ? { frameSeq } : {}),
  };
}

/**
 * Eight frames of the device, each stored on FRAMES and then its batch on DETECTIONS; `seqOf`
 * picks the sequence each batch names (default: its own frame's). Resolves with the device's
 * SL-ZONE enter event.
 */
async function run(
  deviceId: string,
  seqOf: (own: number) => Promise<number | undefined> = async (own) => own,
): Promise<AnalyticEvent> {
  for (let n = 0; n < 8; n++) {
    const seq = await storeFrame(deviceId, `${deviceId}-${n}`, T0 + n * 200);
    const b = batch(deviceId, n, await seqOf(seq));
    await publishJson(js, subjects.detections(partitionOf(deviceId), TENANT, deviceId), b, {
      msgId: b.frameId,
    });
  }
  const subject = subjects.events(TENANT, deviceId, 'SL-ZONE');
  const [event] = await readAtLeast<AnalyticEvent>(js, streams.events.name, subject, 1);
  expect(event!.pipeline_data).toMatchObject({ zone_id: 'floor', kind: 'enter', label: 'dog' });
  return event!;
}

async function imageResults(result: string): Promise<number> {
  const metric = (await runtime.registry.getMetricsAsJSON()).find(
    (m) => m.name === 'sightline_analytics_aggregation_event_images_total',
  );
  const values = (metric?.values ?? []) as Array<{ value: number; labels: Record<string, string> }>;
  return values.find((v) => v.labels.result === result)?.value ?? 0;
}

/** Mean absolute difference per channel between two RGB pictures of one size. */
function meanDiff(a: Buffer, b: Buffer): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}

async function regionOfOriginal(rect: PixelRect, size: { width: number; height: number }): Promise<Buffer> {
  return sharp(dogJpeg)
    .extract(rect)
    .resize(size.width, size.height, { fit: 'fill' })
    .removeAlpha()
    .raw()
    .toBuffer();
}

describe('event images (scene eventImages) on real NATS with a real frame', () => {
  it("puts a JPEG crop of the triggering frame around the object's box on the event", async () => {
    const event = await run('cam-crop');
    expect(event.image_jpeg).toBeDefined();
    const jpeg = Buffer.from(event.image_jpeg!, 'base64');
    const meta = await sharp(jpeg).metadata();
    // The dog's box with a 10 % margin (232 x 403 px), bounded to 320 px on its longest side.
    const rect = cropRect(DOG_BOX, { width: 768, height: 576 })!;
    const size = fitWithin(rect, 320);
    expect(size).toEqual({ width: 184, height: 320 });
    expect(meta).toMatchObject({ format: 'jpeg', width: size.width, height: size.height });

    // The picture is that region of the real frame, not another part of it.
    const pixels = await sharp(jpeg).removeAlpha().raw().toBuffer();
    const same = meanDiff(pixels, await regionOfOriginal(rect, size));
    const beside = meanDiff(pixels, await regionOfOriginal({ ...rect, left: rect.left + 300 }, size));
    expect(same).toBeLessThan(6);
    expect(beside).toBeGreaterThan(same * 3);
    expect(await imageResults('attached')).toBeGreaterThanOrEqual(1);

    // The frame that waited for its image held the device's later frames back: still in order.
    const analyses = await readAtLeast<AnalysisResult>(
      js,
      streams.analysis.name,
      subjects.analysis(TENANT, 'cam-crop'),
      8,
    );
    expect(analyses.map((a) => a.frameId)).toEqual(Array.from({ length: 8 }, (_, n) => `cam-crop-${n}`));
  });

  it('leaves image_jpeg out when the scene does not ask for images', async () => {
    const event = await run('cam-plain');
    expect(event).not.toHaveProperty('image_jpeg');
  });

  it('publishes the event without an image, counted by reason, when the frame is gone', async () => {
    const gone = await imageResults('frame_gone');
    const jsm = await js.jetstreamManager();
    // FRAME_HISTORY discards old frames (30 per device, 5 minutes): here each one right after storing.
    const event = await run('cam-gone', async (seq) => {
      await jsm.streams.deleteMessage(streams.frameHistory.name, seq);
      return seq;
    });
    expect(event).not.toHaveProperty('image_jpeg');
    await waitFor(async () => (await imageResults('frame_gone')) > gone, { what: 'frame_gone counted' });
  });

  it("never crops another device's frame, nor an edge batch's (no stored frame)", async () => {
    const mismatch = await imageResults('frame_mismatch');
    const noFrame = await imageResults('no_frame');
    const cropSeq = await storeFrame('cam-crop', 'cam-crop-extra', T0);
    const other = await run('cam-other', async () => cropSeq);
    expect(other).not.toHaveProperty('image_jpeg');
    expect(await imageResults('frame_mismatch')).toBeGreaterThan(mismatch);
    const edge = await run('cam-edge', async () => undefined);
    expect(edge).not.toHaveProperty('image_jpeg');
    expect(await imageResults('no_frame')).toBeGreaterThan(noFrame);
  });
});
