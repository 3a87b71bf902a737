/**
 * Frames in flight side by side (PIPELINE_DEPTH 4) still leave in their device's order: a big
 * 1080p frame followed by small ones of the same camera would otherwise finish after them.
 */
import { readFileSync } from 'node:fs';
import { type DetectionBatch, subjects } from '@sightline/contracts';
import type { ServiceApp, ServiceRuntime } from '@sightline/service-kit';
import { dataPath, startNats, type TestNats, waitFor } from '@sightline/testing';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { publishFrame, testConfig, testRuntime } from './helpers.js';

const tenantId = 'acme';
const devices = ['cam-a', 'cam-b'];
const FRAMES_PER_DEVICE = 12;

let nats: TestNats;
let runtime: ServiceRuntime;
let app: ServiceApp;

beforeAll(async () => {
  nats = await startNats();
  runtime = await testRuntime(nats.url);
  app = await buildApp(
    runtime,
    testConfig(nats.url, { PIPELINE_DEPTH: '4', MOTION_GATING: 'false', FRAME_MAX_AGE_MS: '600000' }),
  );
});

afterAll(async () => {
  await app?.stop();
  await runtime?.nc.close();
  await nats?.stop();
});

describe('frame order per device', () => {
  it('publishes each device’s DetectionBatches in the order of its frames on FRAMES', async () => {
    const source = readFileSync(dataPath('images', 'darknet_dog.jpg'));
    // Decode time differs by ~10×, so frames pulled together finish out of their order.
    const big = await sharp(source).resize(1920, 1080, { fit: 'cover' }).jpeg({ quality: 95 }).toBuffer();
    const small = await sharp(source).resize(160, 120, { fit: 'cover' }).jpeg().toBuffer();
    const sent = new Map<string, number[]>(devices.map((d) => [d, []]));
    for (let i = 0; i < FRAMES_PER_DEVICE; i++) {
      for (const deviceId of devices) {
        const { seq } = await publishFrame(runtime.js, i % 3 === 0 ? big : small, { tenantId, deviceId });
        sent.get(deviceId)!.push(seq);
      }
    }
    const received = new Map<string, number[]>(devices.map((d) => [d, []]));
    const sub = runtime.nc.subscribe(subjects.detectionsAll, {
      callback: (_err, msg) => {
        const batch = msg.json<DetectionBatch>();
        received.get(batch.deviceId)?.push(batch.frameSeq ?? -1);
      },
    });
    await app.start();
    await waitFor(() => [...received.values()].every((seqs) => seqs.length === FRAMES_PER_DEVICE), {
      what: 'every frame analysed',
      timeoutMs: 60_000,
    });
    sub.unsubscribe();
    for (const deviceId of devices) expect(received.get(deviceId)).toEqual(sent.get(deviceId));
  });
});
