import { readFileSync } from 'node:fs';
import { ControlPlane } from '@sightline/auth';
import { compile, FrameData, subjects } from '@sightline/contracts';
import type { ServiceApp, ServiceRuntime } from '@sightline/service-kit';
import { dataPath, startNats, type TestNats, waitFor } from '@sightline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { publishFrame, testConfig, testRuntime, watchLive } from './helpers.js';

const frameData = compile(FrameData);
const decoder = new TextDecoder();
const zidane = readFileSync(dataPath('images', 'yolov5_zidane.jpg'));

let nats: TestNats;
let runtime: ServiceRuntime;
let app: ServiceApp;

beforeAll(async () => {
  nats = await startNats();
  runtime = await testRuntime(nats.url);
  // Defaults: PRIVACY_MODE on, FACES and PRIVACY_BLUR off.
  app = await buildApp(runtime, testConfig(nats.url, { PIPELINE_DEPTH: '1' }));
  await app.start();
});

afterAll(async () => {
  await app?.stop();
  await runtime?.nc.close();
  await nats?.stop();
});

async function liveFrameOf(tenantId: string, deviceId: string): Promise<FrameData> {
  const live: FrameData[] = [];
  const sub = runtime.nc.subscribe(subjects.live(tenantId, deviceId), {
    callback: (_err, m) => {
      live.push(frameData.parse(JSON.parse(decoder.decode(m.data))));
    },
  });
  await watchLive(runtime.nc, tenantId, deviceId);
  await publishFrame(runtime.js, zidane, { tenantId, deviceId });
  await waitFor(() => live.length === 1, { what: `the live frame of ${deviceId}` });
  sub.unsubscribe();
  return live[0]!;
}

describe("a device's privacy mode", () => {
  it('blurs the faces of a private device in its live frames, and only there', async () => {
    const control = await ControlPlane.open(runtime.nc);
    const tenant = await control.createTenant('privacy');
    const shy = await control.createDevice(tenant.tenantId, { name: 'shy', privacyMode: true });
    const open = await control.createDevice(tenant.tenantId, { name: 'open', privacyMode: false });

    const blurred = await liveFrameOf(tenant.tenantId, shy.deviceId);
    expect(blurred.detections!.filter((d) => d.class === 'face')).toHaveLength(2);
    expect(Buffer.from(blurred.frame, 'base64').equals(zidane)).toBe(false);

    const plain = await liveFrameOf(tenant.tenantId, open.deviceId);
    expect(plain.detections!.some((d) => d.class === 'face')).toBe(false);
    expect(Buffer.from(plain.frame, 'base64').equals(zidane)).toBe(true);
  });
});
