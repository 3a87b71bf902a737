import { readFileSync } from 'node:fs';
import { compile, FrameData, subjects } from '@sightline/contracts';
import type { ServiceApp, ServiceRuntime } from '@sightline/service-kit';
import { dataPath, startNats, type TestNats, waitFor } from '@sightline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { publishFrame, testConfig, testRuntime, watchLive } from './helpers.js';

const frameData = compile(FrameData);
const decoder = new TextDecoder();
const tenantId = 'acme';
const zidane = readFileSync(dataPath('images', 'yolov5_zidane.jpg'));

let nats: TestNats;
let runtime: ServiceRuntime;
let app: ServiceApp;

beforeAll(async () => {
  nats = await startNats();
  runtime = await testRuntime(nats.url);
  const config = testConfig(nats.url, {
    MOTION_GATING: 'true',
    MOTION_MAX_SKIP_MS: '600000',
    PRIVACY_BLUR: 'true',
    PIPELINE_DEPTH: '1',
  });
  app = await buildApp(runtime, config);
  await app.start();
});

afterAll(async () => {
  await app?.stop();
  await runtime?.nc.close();
  await nats?.stop();
});

function metric(text: string, name: string, label = ''): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(label));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('worker with motion gating, faces and privacy blur', () => {
  it('runs the detector on the first frame, reuses it for an unchanged second frame, and blurs faces live', async () => {
    const deviceId = 'cam-zidane';
    const live: FrameData[] = [];
    const sub = runtime.nc.subscribe(subjects.live(tenantId, deviceId), {
      callback: (_err, m) => {
        live.push(frameData.parse(JSON.parse(decoder.decode(m.data))));
      },
    });
    await watchLive(runtime.nc, tenantId, deviceId);
    await publishFrame(runtime.js, zidane, { tenantId, deviceId });
    await waitFor(() => live.length === 1, { what: 'the first live frame' });
    await publishFrame(runtime.js, zidane, { tenantId, deviceId });
    await waitFor(() => live.length === 2, { what: 'the second live frame' });
    sub.unsubscribe();

    const metrics = await runtime.registry.metrics();
    expect(metric(metrics, 'sightline_inference_motion_skipped_total')).toBe(1);
    expect(metric(metrics, 'sightline_inference_stage_seconds_count', 'stage="run"')).toBe(1);

    const [first, second] = live as [FrameData, FrameData];
    const classes = (f: FrameData) => f.detections!.map((d) => d.class).sort();
    expect(classes(first).filter((c) => c === 'face')).toHaveLength(2);
    expect(classes(first).filter((c) => c === 'person')).toHaveLength(2);
    // The static second frame carries the detections of the run on the first.
    expect(second.detections).toEqual(first.detections);
    // Faces blurred: the live JPEG is not the one that came in.
    expect(Buffer.from(first.frame, 'base64').equals(zidane)).toBe(false);
  });
});
