import { readFileSync } from 'node:fs';
import { subjects } from '@sightline/contracts';
import type { ServiceApp, ServiceRuntime } from '@sightline/service-kit';
import { dataPath, startNats, type TestNats, waitFor } from '@sightline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { publishFrame, testConfig, testRuntime, watchLive } from './helpers.js';

const tenantId = 'acme';
const dog = readFileSync(dataPath('images', 'darknet_dog.jpg'));
const TTL_MS = 600;

let nats: TestNats;
let runtime: ServiceRuntime;
let app: ServiceApp;
let syncRequests = 0;
/** Live frames received, by device. */
const live = new Map<string, number>();

function metric(text: string, name: string, label = ''): number {
  const line = text.split('\n').find((l) => l.startsWith(name) && l.includes(label));
  return line ? Number(line.split(' ').pop()) : 0;
}

/** Frames through the publish stage (the batch, then the live frame or not). */
const published = async () =>
  metric(await runtime.registry.metrics(), 'sightline_inference_stage_seconds_count', 'stage="publish"');

/** Publish a frame and wait until the worker has analysed it and published what it publishes. */
async function analyse(deviceId: string): Promise<void> {
  const before = await published();
  await publishFrame(runtime.js, dog, { tenantId, deviceId });
  await waitFor(async () => (await published()) > before, { what: `the frame of ${deviceId} published` });
  // The worker shares this connection: one round trip later a live frame it sent has arrived here.
  await runtime.nc.flush();
}

beforeAll(async () => {
  nats = await startNats();
  runtime = await testRuntime(nats.url);
  runtime.nc.subscribe(subjects.liveViewersSync, {
    callback: () => {
      syncRequests++;
    },
  });
  runtime.nc.subscribe(`live.${tenantId}.*`, {
    callback: (_err, m) => {
      const device = m.subject.split('.')[2]!;
      live.set(device, (live.get(device) ?? 0) + 1);
    },
  });
  await runtime.nc.flush();
  const config = testConfig(nats.url, {
    MOTION_GATING: 'false',
    PIPELINE_DEPTH: '1',
    LIVE_VIEWERS_TTL_MS: String(TTL_MS),
  });
  app = await buildApp(runtime, config);
  await app.start();
});

afterAll(async () => {
  await app?.stop();
  await runtime?.nc.close();
  await nats?.stop();
});

describe('live frames only for watched cameras', () => {
  it('asks the gateways to announce their watched cameras when it starts', async () => {
    await waitFor(() => syncRequests === 1, { what: 'a live_viewers_sync request' });
  });

  it('publishes no live frame of a camera nobody watches, and counts it', async () => {
    await analyse('cam-unwatched');
    expect(live.get('cam-unwatched')).toBeUndefined();
    expect(metric(await runtime.registry.metrics(), 'sightline_inference_live_frames_unwatched_total')).toBe(
      1,
    );
  });

  it('publishes live frames once a viewer is announced, and stops after the announcements stop', async () => {
    await watchLive(runtime.nc, tenantId, 'cam-watched');
    await analyse('cam-watched');
    await waitFor(() => live.get('cam-watched') === 1, { what: 'the live frame of cam-watched' });

    // Announcements repeated within the TTL keep it watched.
    await new Promise((r) => setTimeout(r, TTL_MS / 2));
    await watchLive(runtime.nc, tenantId, 'cam-watched');
    await new Promise((r) => setTimeout(r, TTL_MS / 2));
    await analyse('cam-watched');
    await waitFor(() => live.get('cam-watched') === 2, { what: 'the second live frame' });

    // No announcement for longer than the TTL: the viewers are gone.
    await new Promise((r) => setTimeout(r, TTL_MS + 100));
    await analyse('cam-watched');
    expect(live.get('cam-watched')).toBe(2);
    // Watching one camera of the tenant does not make its other cameras watched.
    expect(live.get('cam-unwatched')).toBeUndefined();
  });
});
