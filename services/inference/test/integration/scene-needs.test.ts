import { readFileSync } from 'node:fs';
import {
  buckets,
  type DetectionBatch,
  partitionOf,
  type Scene,
  sceneKey,
  subjects,
} from '@sightline/contracts';
import { JsonBucket, jetstream } from '@sightline/nats';
import type { ServiceApp, ServiceRuntime } from '@sightline/service-kit';
import { dataPath, startNats, type TestNats, waitFor } from '@sightline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { publishFrame, testConfig, testRuntime } from './helpers.js';

const tenantId = 'scenes';
const dog = readFileSync(dataPath('images', 'darknet_dog.jpg'));

let nats: TestNats;
let runtime: ServiceRuntime;
let app: ServiceApp;

beforeAll(async () => {
  nats = await startNats();
  runtime = await testRuntime(nats.url);
  app = await buildApp(
    runtime,
    testConfig(nats.url, { MOTION_GATING: 'false', DEVICE_CACHE_MS: '0', PIPELINE_DEPTH: '1' }),
  );
  await app.start();
});

afterAll(async () => {
  await app?.stop();
  await runtime?.nc.close();
  await nats?.stop();
});

async function batchFor(deviceId: string, scene: Partial<Scene> | undefined): Promise<DetectionBatch> {
  if (scene) {
    const bucket = await JsonBucket.open<Scene>(runtime.nc, buckets.scenes);
    await bucket.put(sceneKey(tenantId, deviceId), {
      tenantId,
      deviceId,
      sceneId: deviceId,
      version: 1,
      ...scene,
    });
  }
  const batches: DetectionBatch[] = [];
  const consumer = await jetstream(runtime.nc).consumers.get('DETECTIONS', {
    filter_subjects: subjects.detections(partitionOf(deviceId), tenantId, deviceId),
  });
  const messages = await consumer.consume();
  void (async () => {
    for await (const m of messages) batches.push(m.json<DetectionBatch>());
  })();
  await publishFrame(runtime.js, dog, { tenantId, deviceId });
  await waitFor(() => batches.length > 0, { what: `the batch of ${deviceId}` });
  await messages.close();
  return batches[0]!;
}

const labels = (b: DetectionBatch) => [...new Set(b.detections.map((d) => d.label))].sort();

describe("a device's scene picks the classes and the model", () => {
  it('reports every class without a scene', async () => {
    expect(labels(await batchFor('plain', undefined))).toEqual(
      expect.arrayContaining(['bicycle', 'car', 'dog']),
    );
  });

  it("reports only the scene's classes", async () => {
    const batch = await batchFor('dogs-only', { classes: ['dog'], model: 'yolox_nano' });
    expect(labels(batch)).toEqual(['dog']);
    expect(batch.model).toBe('yolox_nano');
  });

  it('runs the default model, counted, when the scene names one that is not loaded', async () => {
    const batch = await batchFor('odd-model', { model: 'yolov8n_missing', classes: ['car', 'bicycle'] });
    expect(batch.model).toBe('yolox_nano');
    expect(labels(batch)).toEqual(['bicycle', 'car']);
    const metrics = await runtime.registry.metrics();
    expect(metrics).toMatch(
      /sightline_inference_scene_model_missing_total\{model="yolov8n_missing"[^}]*\} 1/,
    );
  });
});
