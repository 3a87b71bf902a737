import { Kvm } from '@nats-io/kv';
import {
  type AnalyticEvent,
  buckets,
  type DetectionBatch,
  partitionOf,
  type Rollup,
  type SceneLine,
  sceneKey,
  streams,
  subjects,
} from '@sightline/contracts';
import { publishJson } from '@sightline/nats';
import { bootService, type ServiceApp, type ServiceRuntime } from '@sightline/service-kit';
import { startNats, type TestNats, waitFor } from '@sightline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Box, gaussian, loadMot, seededRandom } from '../../eval/mot.js';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { anchorOf } from '../../src/domain/geometry.js';
import { LineCounter } from '../../src/domain/lines.js';
import { readAtLeast, readSubject } from '../support/read-subject.js';

let nats: TestNats;
let runtime: ServiceRuntime;
let app: ServiceApp;

const TENANT = 'mot';
const DEVICE = 'tud-campus';
const T0 = 1_738_000_020_000;
const line: SceneLine = { id: 'mid', a: [320, 0], b: [320, 480], inFrom: 'left' };

beforeAll(async () => {
  nats = await startNats();
  runtime = await bootService({
    service: 'analytics-test',
    version: '0',
    logLevel: 'silent',
    natsUrl: nats.url,
  });
  const kv = await new Kvm(runtime.nc).open(buckets.scenes);
  await kv.put(
    sceneKey(TENANT, DEVICE),
    JSON.stringify({ tenantId: TENANT, deviceId: DEVICE, sceneId: 'campus', version: 1, lines: [line] }),
  );
  app = await buildApp(runtime, loadConfig({ NATS_URL: nats.url, LOG_LEVEL: 'silent' }));
  await app.start();
}, 30_000);

afterAll(async () => {
  await app?.stop();
  await runtime?.nc.drain();
  await nats?.stop();
});

/** Crossings of the gt tracks themselves: the offline reference. */
function offlineCrossings(seq: ReturnType<typeof loadMot>) {
  const counter = new LineCounter(line, new Set(['person']), 6);
  const counts = { in: 0, out: 0 };
  for (let f = 1; f <= seq.frames; f++) {
    const objects = (seq.gt.get(f) ?? []).map((g) => ({
      trackId: g.id,
      label: 'person',
      score: 1,
      anchor: anchorOf(g.box),
    }));
    for (const c of counter.update(objects, f)) counts[c.direction]++;
  }
  return counts;
}

describe('TUD-Campus ground truth through real NATS', () => {
  it('publishes NFV4-PC events and a rollup whose crossings equal the offline count', async () => {
    const seq = loadMot('TUD-Campus');
    const random = seededRandom(11);
    const frameMs = 1000 / seq.fps;
    for (let f = 1; f <= seq.frames; f++) {
      const at = T0 + Math.round(f * frameMs);
      const batch: DetectionBatch = {
        frameId: `tud-${f}`,
        tenantId: TENANT,
        deviceId: DEVICE,
        capturedAt: at,
        acceptedAt: at,
        analysedAt: at,
        width: seq.width,
        height: seq.height,
        model: 'gt',
        origin: 'edge',
        detections: (seq.gt.get(f) ?? []).map((g) => ({
          label: 'person',
          classId: 0,
          score: 0.9,
          box: g.box.map((v) => v + gaussian(random, 2)) as unknown as Box,
        })),
      };
      await publishJson(runtime.js, subjects.detections(partitionOf(DEVICE), TENANT, DEVICE), batch, {
        msgId: batch.frameId,
      });
    }
    const expected = offlineCrossings(seq);
    expect(expected.in + expected.out).toBeGreaterThan(0);

    const jsm = await runtime.js.jetstreamManager();
    const events = await waitFor(
      async () => {
        const info = await jsm.streams.info(streams.events.name, {
          subjects_filter: subjects.events(TENANT, DEVICE, 'NFV4-PC'),
        });
        return info.state.messages >= expected.in + expected.out ? info.state.messages : undefined;
      },
      { what: 'crossing events' },
    );
    expect(events).toBe(expected.in + expected.out);
    const stored = await readAtLeast<AnalyticEvent>(
      runtime.js,
      streams.events.name,
      subjects.events(TENANT, DEVICE, 'NFV4-PC'),
      events,
    );
    const directions = { in: 0, out: 0 };
    for (const e of stored) directions[e.pipeline_data.direction as 'in' | 'out']++;
    expect(directions).toEqual(expected);

    // Close the minute with a frame of the next one; the rollup holds the same crossings.
    const next = T0 + 60_000;
    const closing: DetectionBatch = {
      frameId: 'tud-close',
      tenantId: TENANT,
      deviceId: DEVICE,
      capturedAt: next,
      acceptedAt: next,
      analysedAt: next,
      width: seq.width,
      height: seq.height,
      model: 'gt',
      origin: 'edge',
      detections: [],
    };
    await publishJson(runtime.js, subjects.detections(partitionOf(DEVICE), TENANT, DEVICE), closing, {
      msgId: 'tud-close',
    });
    const device = await waitFor(async () => {
      const rollups = await readSubject<Rollup>(
        runtime.js,
        streams.rollups.name,
        subjects.rollups(TENANT, DEVICE),
      );
      return rollups.find((r) => r.zoneId === undefined && r.minute === T0);
    });
    expect(device.frames).toBe(seq.frames);
    expect(device.crossingsIn).toEqual(expected.in ? { person: expected.in } : {});
    expect(device.crossingsOut).toEqual(expected.out ? { person: expected.out } : {});
    expect(device.countsMax).toEqual({ person: 6 });
  });
});
