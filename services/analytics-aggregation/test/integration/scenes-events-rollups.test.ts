import { Kvm } from '@nats-io/kv';
import {
  type AnalysisResult,
  type AnalyticEvent,
  type AnalyticsQueryReply,
  buckets,
  type DetectionBatch,
  partitionOf,
  type Rollup,
  type Scene,
  sceneKey,
  streams,
  subjects,
} from '@sightline/contracts';
import { type JetStreamClient, type NatsConnection, publishJson } from '@sightline/nats';
import { bootService, type ServiceApp, type ServiceRuntime } from '@sightline/service-kit';
import { startNats, type TestNats, waitFor } from '@sightline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';

let nats: TestNats;
let app: ServiceApp;
let nc: NatsConnection;
let js: JetStreamClient;
let runtime: ServiceRuntime;

const TENANT = 'shop';
const DEVICE = 'door-cam';
const MINUTE = 1_738_000_020_000;

const scene = (version: number): Scene => ({
  tenantId: TENANT,
  deviceId: DEVICE,
  sceneId: 'entrance',
  version,
  lines: [{ id: 'door', name: 'Door', a: [0, 240], b: [640, 240], inFrom: 'left' }],
  zones: [],
});

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
  await kv.put(sceneKey(TENANT, DEVICE), JSON.stringify(scene(1)));
  // Only the device's own partition: a replica that owns one partition.
  app = await buildApp(
    runtime,
    loadConfig({
      NATS_URL: nats.url,
      LOG_LEVEL: 'silent',
      ANALYTICS_PARTITIONS: String(partitionOf(DEVICE)),
    }),
  );
  await app.start();
}, 30_000);

afterAll(async () => {
  await app?.stop();
  await nc?.drain();
  await nats?.stop();
});

/** A person walking down through the door line: anchor y = 100 + 40n. */
function frame(n: number, at = MINUTE + n * 200): DetectionBatch {
  const y = 20 + n * 40;
  return {
    frameId: `door-${n}`,
    tenantId: TENANT,
    deviceId: DEVICE,
    capturedAt: at,
    acceptedAt: at,
    analysedAt: at,
    width: 640,
    height: 480,
    model: 'test',
    origin: 'edge',
    detections: [{ label: 'person', classId: 0, score: 0.9, box: [300, y, 340, y + 80] }],
  };
}

async function send(b: DetectionBatch) {
  await publishJson(js, subjects.detections(partitionOf(DEVICE), TENANT, DEVICE), b, { msgId: b.frameId });
}

async function lastOn<T>(stream: string, subject: string): Promise<T | undefined> {
  const jsm = await js.jetstreamManager();
  const msg = await jsm.streams.getMessage(stream, { last_by_subj: subject }).catch(() => null);
  return msg?.json<T>();
}

async function sceneUpdates(result: string): Promise<number> {
  const metric = (await runtime.registry.getMetricsAsJSON()).find(
    (m) => m.name === 'sightline_analytics_aggregation_scene_updates_total',
  );
  const values = (metric?.values ?? []) as Array<{ value: number; labels: Record<string, string> }>;
  return values.find((v) => v.labels.result === result)?.value ?? 0;
}

describe('scenes, events and rollups through real NATS', () => {
  it('counts a line crossing from the KV scene and publishes a seed 004 NFV4-PC event', async () => {
    for (let n = 0; n < 8; n++) await send(frame(n));
    const event = await waitFor(
      () => lastOn<AnalyticEvent>(streams.events.name, subjects.events(TENANT, DEVICE, 'NFV4-PC')),
      { what: 'NFV4-PC event' },
    );
    expect(event).toMatchObject({
      analytic_id: 'NFV4-PC',
      stream_id: DEVICE,
      pipeline_data: { line_id: 'door', direction: 'in', label: 'person', geometry_version: 1 },
    });
    const analysis = await waitFor(async () => {
      const a = await lastOn<AnalysisResult>(streams.analysis.name, subjects.analysis(TENANT, DEVICE));
      return a?.frameId === 'door-7' ? a : undefined;
    });
    expect(analysis).toMatchObject({ sceneId: 'entrance', geometryVersion: 1 });
  });

  it('applies an edited scene without a restart', async () => {
    const kv = await new Kvm(nc).open(buckets.scenes);
    await kv.put(sceneKey(TENANT, DEVICE), JSON.stringify(scene(2)));
    let n = 8;
    const analysis = await waitFor(
      async () => {
        await send(frame(n++));
        const a = await waitFor(() =>
          lastOn<AnalysisResult>(streams.analysis.name, subjects.analysis(TENANT, DEVICE)),
        );
        return a.geometryVersion === 2 ? a : undefined;
      },
      { what: 'geometry version 2', intervalMs: 100 },
    );
    expect(analysis.sceneId).toBe('entrance');
  });

  it('refuses an invalid scene and keeps the version in force', async () => {
    const invalidBefore = await sceneUpdates('invalid');
    const kv = await new Kvm(nc).open(buckets.scenes);
    await kv.put(
      sceneKey(TENANT, DEVICE),
      JSON.stringify({ ...scene(3), lines: [{ id: 'bad', a: [0, 0] }] }),
    );
    await waitFor(async () => (await sceneUpdates('invalid')) > invalidBefore, { what: 'scene refused' });
    await send(frame(50));
    const analysis = await waitFor(async () => {
      const a = await lastOn<AnalysisResult>(streams.analysis.name, subjects.analysis(TENANT, DEVICE));
      return a?.frameId === 'door-50' ? a : undefined;
    });
    expect(analysis.geometryVersion).toBe(2);
  });

  it('publishes the minute rollup when the next minute starts, and answers a rollups query', async () => {
    await send(frame(100, MINUTE + 60_000));
    const rollup = await waitFor(
      () => lastOn<Rollup>(streams.rollups.name, subjects.rollups(TENANT, DEVICE)),
      {
        what: 'rollup',
      },
    );
    expect(rollup.minute).toBe(MINUTE);
    const reply = await nc.request(
      subjects.analyticsQuery,
      JSON.stringify({ tenantId: TENANT, metric: 'rollups', from: MINUTE - 60_000, to: MINUTE + 60_000 }),
      { timeout: 5000 },
    );
    const body = reply.json<AnalyticsQueryReply>();
    expect(body.ok).toBe(true);
    const rollups = body.rollups as Rollup[];
    // The minute spans the edit to version 2: one rollup per geometry version, each with its own figures.
    const parts = rollups.filter((r) => r.zoneId === undefined && r.minute === MINUTE);
    expect(parts.map((r) => r.geometryVersion)).toEqual([1, 2]);
    const [v1, v2] = parts as [Rollup, Rollup];
    expect(v1).toMatchObject({ crossingsIn: { person: 1 }, countsMax: { person: 1 } });
    expect(v1.frames).toBeGreaterThanOrEqual(8);
    expect(v2).toMatchObject({ crossingsIn: {}, countsMax: { person: 1 } });
    expect(v2.frames).toBeGreaterThanOrEqual(2);
    expect(rollups.find((r) => r.zoneId === 'door')).toMatchObject({
      geometryVersion: 1,
      crossingsIn: { person: 1 },
    });
    const otherTenant = await nc.request(
      subjects.analyticsQuery,
      JSON.stringify({
        tenantId: 'someone-else',
        metric: 'rollups',
        from: MINUTE - 60_000,
        to: MINUTE + 60_000,
      }),
      { timeout: 5000 },
    );
    expect(otherTenant.json()).toEqual({ ok: true, rollups: [] });
  });
});
