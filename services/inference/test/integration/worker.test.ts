import { readFileSync } from 'node:fs';
import { compile, DetectionBatch, FrameData, partitionOf, streams, subjects } from '@sightline/contracts';
import { manager, type NatsConnection, publishBytes } from '@sightline/nats';
import type { ServiceApp, ServiceRuntime } from '@sightline/service-kit';
import { dataPath, startNats, type TestNats, waitFor } from '@sightline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { headersOf, publishFrame, testConfig, testRuntime, watchLive } from './helpers.js';

const batchSchema = compile(DetectionBatch);
const frameDataSchema = compile(FrameData);
const decoder = new TextDecoder();
const tenantId = 'acme';
const dog = readFileSync(dataPath('images', 'darknet_dog.jpg'));

let nats: TestNats;
let runtime: ServiceRuntime;
let app: ServiceApp;

/** Every DetectionBatch stored on DETECTIONS for a device, read message by message. */
async function storedBatches(nc: NatsConnection, deviceId: string): Promise<DetectionBatch[]> {
  const jsm = await manager(nc);
  const subject = subjects.detections(partitionOf(deviceId), tenantId, deviceId);
  const { state } = await jsm.streams.info(streams.detections.name);
  const out: DetectionBatch[] = [];
  for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq++) {
    const m = await jsm.streams.getMessage(streams.detections.name, { seq });
    if (m?.subject === subject) out.push(m.json<DetectionBatch>());
  }
  return out;
}

function metricValue(text: string, name: string, label: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(label));
  return line ? Number(line.split(' ').pop()) : 0;
}

beforeAll(async () => {
  nats = await startNats();
  runtime = await testRuntime(nats.url);
  app = await buildApp(runtime, testConfig(nats.url, { MOTION_GATING: 'false' }));
  await app.start();
});

afterAll(async () => {
  await app?.stop();
  await runtime?.nc.close();
  await nats?.stop();
});

describe('inference worker on real NATS', () => {
  it('turns a real JPEG on FRAMES into a DetectionBatch on DETECTIONS and a live FrameData', async () => {
    const deviceId = 'cam-dog';
    const live = runtime.nc.subscribe(subjects.live(tenantId, deviceId), { max: 1 });
    await watchLive(runtime.nc, tenantId, deviceId);
    const meta = await publishFrame(runtime.js, dog, { tenantId, deviceId });

    const batches = await waitFor(
      async () => {
        const found = await storedBatches(runtime.nc, deviceId);
        return found.length > 0 ? found : undefined;
      },
      { what: 'a DetectionBatch on DETECTIONS' },
    );
    const batch = batchSchema.parse(batches[0]);
    expect(batch).toMatchObject({
      frameId: meta.frameId,
      tenantId,
      deviceId,
      width: 768,
      height: 576,
      model: 'yolox_nano',
      origin: 'model',
    });
    // The batch names the frame's FRAMES sequence: analytics reads the frame back by it for crops.
    expect(batch.frameSeq).toBe(meta.seq);
    const byLabel = new Map(batch.detections.map((d) => [d.label, d]));
    for (const [label, box] of [
      ['dog', [133, 207, 325, 542]],
      ['car', [467, 78, 692, 172]],
      ['bicycle', [46, 132, 572, 431]],
    ] as const) {
      const found = byLabel.get(label);
      expect(found, label).toBeDefined();
      found!.box.forEach((v, k) => {
        expect(Math.abs(v - box[k]!)).toBeLessThanOrEqual(3);
      });
    }
    expect(byLabel.get('car')!.attributes).toMatchObject({
      sizeClass: expect.any(String),
      color: expect.any(String),
    });

    for await (const m of live) {
      const frame = frameDataSchema.parse(JSON.parse(decoder.decode(m.data)));
      expect(frame.camera_id).toBe(deviceId);
      expect(frame.timestamp).toBe(meta.capturedAt);
      expect(Buffer.from(frame.frame, 'base64').equals(dog)).toBe(true);
      const dogBox = frame.detections!.find((d) => d.class === 'dog')!.bbox;
      expect(dogBox.map(Math.round)).toEqual([133, 207, 192, 335]);
    }
  });

  it('drops undecodable, stale, header-less and spoofed frames with a metric, and keeps working', async () => {
    const deviceId = 'cam-bad';
    const garbage = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(500, 7)]);
    await publishFrame(runtime.js, garbage, { tenantId, deviceId });
    const old = Date.now() - 60_000;
    await publishFrame(runtime.js, dog, { tenantId, deviceId, capturedAt: old, acceptedAt: old });
    await runtime.js.publish(subjects.frames(tenantId, deviceId), dog, { msgID: 'no-headers-1' });
    // Headers claiming another tenant's device than the subject's.
    const spoofed = {
      frameId: 'spoofed-1',
      tenantId: 'other',
      deviceId: 'cam-x',
      capturedAt: Date.now(),
      acceptedAt: Date.now(),
      source: 'http' as const,
    };
    await publishBytes(runtime.js, subjects.frames(tenantId, deviceId), dog, {
      msgId: spoofed.frameId,
      headers: headersOf(spoofed),
    });
    const good = await publishFrame(runtime.js, dog, { tenantId, deviceId });

    const batches = await waitFor(
      async () => {
        const found = await storedBatches(runtime.nc, deviceId);
        return found.length > 0 ? found : undefined;
      },
      { what: 'the good frame analysed after the bad ones' },
    );
    expect(batches.map((b) => b.frameId)).toEqual([good.frameId]);

    const metrics = await runtime.registry.metrics();
    const dropped = 'sightline_inference_frames_dropped_total';
    expect(metricValue(metrics, dropped, 'reason="undecodable"')).toBe(1);
    expect(metricValue(metrics, dropped, 'reason="stale"')).toBe(1);
    expect(metricValue(metrics, dropped, 'reason="bad_metadata"')).toBe(1);
    expect(metricValue(metrics, dropped, 'reason="subject_mismatch"')).toBe(1);
    expect(
      metricValue(metrics, 'sightline_inference_stage_seconds_count', 'stage="run"'),
    ).toBeGreaterThanOrEqual(2);
    expect(
      metricValue(metrics, 'sightline_inference_model_load_seconds', 'model="yolox_nano"'),
    ).toBeGreaterThan(0);
  });
});
