import { Kvm } from '@nats-io/kv';
import {
  type AnalyticsQuery,
  AnalyticsQueryReply,
  buckets,
  compile,
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
import { DeviceAnalyzer } from '../../src/domain/device-analyzer.js';

/**
 * The query micro service over real NATS request/reply, on the nats-server CI runs (2.9:
 * one filter subject per consumer). Two replicas: `owner` analyses the devices, `other` owns
 * none of them; at the end the owner stops and `other` alone answers from KV and the streams.
 */
let nats: TestNats;
let nc: NatsConnection;
let js: JetStreamClient;
const runtimes: ServiceRuntime[] = [];
let owner: ServiceApp;
let other: ServiceApp;

const MALL = 'mall';
const RIVAL = 'rival';
const DEVICES = ['cam-a', 'cam-b', 'cam-c'] as const;
const PEOPLE: Record<string, number> = { 'cam-a': 1, 'cam-b': 2, 'cam-c': 3 };
const M = 1_738_000_020_000; // a minute boundary
const MIN = 60_000;
const validReply = compile(AnalyticsQueryReply);

const sceneA: Scene = {
  tenantId: MALL,
  deviceId: 'cam-a',
  sceneId: 'aisle-view',
  version: 4,
  zones: [
    {
      id: 'aisle',
      polygon: [
        [0, 0],
        [320, 0],
        [320, 480],
        [0, 480],
      ],
    },
  ],
  heatmap: { cols: 4, rows: 3, windowMs: 10 * MIN },
};

function batch(tenantId: string, deviceId: string, people: number, at: number): DetectionBatch {
  return {
    frameId: `${tenantId}-${deviceId}-${at}`,
    tenantId,
    deviceId,
    capturedAt: at,
    acceptedAt: at,
    analysedAt: at,
    width: 640,
    height: 480,
    model: 'test',
    origin: 'edge',
    detections: Array.from({ length: people }, (_, i) => ({
      label: 'person',
      classId: 0,
      score: 0.9,
      box: [40 + i * 150, 200, 100 + i * 150, 400] as [number, number, number, number],
    })),
  };
}

/** Six frames a second apart in each of minutes M, M+1, M+2: the first two minutes close. */
function framesOf(tenantId: string, deviceId: string, people: number): DetectionBatch[] {
  return [0, 1, 2].flatMap((k) =>
    Array.from({ length: 6 }, (_, i) => batch(tenantId, deviceId, people, M + k * MIN + i * 1000)),
  );
}

async function boot(): Promise<ServiceRuntime> {
  const runtime = await bootService({
    service: 'analytics-test',
    version: '0',
    logLevel: 'silent',
    natsUrl: nats.url,
  });
  runtimes.push(runtime);
  return runtime;
}

async function startReplica(runtime: ServiceRuntime, partitions: number[]): Promise<ServiceApp> {
  const app = await buildApp(
    runtime,
    loadConfig({
      NATS_URL: nats.url,
      LOG_LEVEL: 'silent',
      ANALYTICS_PARTITIONS: partitions.join(','),
      ANALYTICS_HEATMAP_PUBLISH_MS: '200',
    }),
  );
  await app.start();
  return app;
}

async function query(q: AnalyticsQuery): Promise<AnalyticsQueryReply> {
  const reply = (await nc.request(subjects.analyticsQuery, JSON.stringify(q), { timeout: 10_000 })).json();
  expect(validReply.check(reply), JSON.stringify(reply)).toBe(true);
  return reply as AnalyticsQueryReply;
}

async function rollupsOf(q: Omit<AnalyticsQuery, 'metric'>): Promise<Rollup[]> {
  const reply = await query({ ...q, metric: 'rollups' });
  expect(reply).toMatchObject({ ok: true });
  return reply.rollups as Rollup[];
}

const key = (r: Rollup) => `${r.deviceId}@${(r.minute - M) / MIN}${r.zoneId ? `/${r.zoneId}` : ''}`;

beforeAll(async () => {
  nats = await startNats();
  const used = [...new Set(DEVICES.map((d) => partitionOf(d)))];
  const rest = Array.from({ length: 8 }, (_, p) => p).filter((p) => !used.includes(p));
  const first = await boot();
  nc = first.nc;
  js = first.js;
  // In KV before the replicas start, so their scene stores load it at open.
  await (await new Kvm(nc).open(buckets.scenes)).put(sceneKey(MALL, 'cam-a'), JSON.stringify(sceneA));
  owner = await startReplica(first, used);
  other = await startReplica(await boot(), rest);
  const sends = [...DEVICES.flatMap((d) => framesOf(MALL, d, PEOPLE[d]!)), ...framesOf(RIVAL, 'cam-a', 5)];
  for (const b of sends) {
    const subject = subjects.detections(partitionOf(b.deviceId), b.tenantId, b.deviceId);
    await publishJson(js, subject, b, { msgId: b.frameId });
  }
  const jsm = await js.jetstreamManager();
  for (const [tenant, device] of [...DEVICES.map((d) => [MALL, d]), [RIVAL, 'cam-a']] as const) {
    await waitFor(
      async () => {
        const msg = await jsm.streams
          .getMessage(streams.rollups.name, { last_by_subj: subjects.rollups(tenant, device) })
          .catch(() => null);
        return msg?.json<Rollup>().minute === M + MIN;
      },
      { what: `rollup of ${tenant}/${device} for minute M+1`, timeoutMs: 20_000 },
    );
  }
}, 60_000);

afterAll(async () => {
  await owner?.stop();
  await other?.stop();
  for (const r of runtimes) await r.nc.drain().catch(() => undefined);
  await nats?.stop();
});

describe('rollups query over NATS request/reply', () => {
  it('answers one device over a time range, with its zone rollups', async () => {
    const rollups = await rollupsOf({ tenantId: MALL, deviceIds: ['cam-a'], from: M, to: M + 30_000 });
    expect(rollups.map(key)).toEqual(['cam-a@0', 'cam-a@0/aisle']);
    const [device, zone] = rollups;
    expect(device).toMatchObject({ frames: 6, countsMax: { person: 1 }, geometryVersion: 4 });
    expect(zone).toMatchObject({ zoneId: 'aisle', frames: 6, countsMax: { person: 1 } });
  });

  it('answers several devices at once, and only those', async () => {
    const rollups = await rollupsOf({ tenantId: MALL, deviceIds: ['cam-b', 'cam-c'], from: M, to: M + MIN });
    expect(rollups.map(key)).toEqual(['cam-b@0', 'cam-c@0', 'cam-b@1', 'cam-c@1']);
    for (const r of rollups) expect(r.countsMax).toEqual({ person: PEOPLE[r.deviceId] });
  });

  it('answers every device of the tenant without a list, and a zone is picked from the reply', async () => {
    const rollups = await rollupsOf({ tenantId: MALL, from: M + MIN, to: M + MIN });
    expect(rollups.map(key)).toEqual(['cam-a@1', 'cam-a@1/aisle', 'cam-b@1', 'cam-c@1']);
    // The query has no zone field: callers (the gateway's ?zone=) keep the rollups with that zoneId.
    const aisle = rollups.filter((r) => r.zoneId === 'aisle');
    expect(aisle).toHaveLength(1);
    expect(aisle[0]).toMatchObject({ deviceId: 'cam-a', minute: M + MIN, countsMean: { person: 1 } });
  });

  it('reads the tenant once when given more devices than it reads one by one', async () => {
    const many = ['cam-c', ...Array.from({ length: 60 }, (_, i) => `absent-${i}`)];
    const rollups = await rollupsOf({ tenantId: MALL, deviceIds: many, from: M, to: M + MIN });
    expect(rollups.map(key)).toEqual(['cam-c@0', 'cam-c@1']);
  });

  it("never returns another tenant's rollups, even for the same device id", async () => {
    const rival = await rollupsOf({ tenantId: RIVAL, deviceIds: ['cam-a'], from: M, to: M + MIN });
    expect(rival.map(key)).toEqual(['cam-a@0', 'cam-a@1']);
    for (const r of rival) expect(r).toMatchObject({ tenantId: RIVAL, countsMax: { person: 5 } });
    expect(await rollupsOf({ tenantId: 'nobody', from: M, to: M + MIN })).toEqual([]);
  });

  it('answers an empty range, and refuses a reversed or unrepresentable one', async () => {
    expect(
      await rollupsOf({ tenantId: MALL, deviceIds: ['cam-a'], from: M + 10 * MIN, to: M + 20 * MIN }),
    ).toEqual([]);
    expect(await query({ tenantId: MALL, metric: 'rollups', from: M, to: M - 1 })).toEqual({
      ok: false,
      error: 'from is after to',
    });
    expect(await query({ tenantId: MALL, metric: 'rollups', from: 1e17, to: 2e17 })).toMatchObject({
      ok: false,
    });
  });
});

describe('heatmap query over NATS request/reply', () => {
  it('answers the grid the owning replica keeps, from another replica once the owner is gone', async () => {
    // The same frames through an analyzer in this process give the grid the service must serve.
    const offline = new DeviceAnalyzer(MALL, 'cam-a', sceneA, 0);
    for (const b of framesOf(MALL, 'cam-a', 1)) offline.process(b, b.capturedAt);
    const expected = offline.heatmapSnapshot()!;
    expect(expected.cells.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);

    await owner.stop(); // writes its last grids; from now on only `other` answers queries
    const reply = await query({ tenantId: MALL, deviceIds: ['cam-a', 'cam-none'], metric: 'heatmap' });
    expect(reply.ok).toBe(true);
    expect(reply.heatmaps).toEqual([
      { deviceId: 'cam-a', cols: 4, rows: 3, cells: expected.cells, windowMs: 10 * MIN, at: expected.at },
    ]);
    // The anchor (bottom centre 70,400) lies in column 0, row 2 of a 4×3 grid over 640×480.
    const hottest = expected.cells.indexOf(Math.max(...expected.cells));
    expect(hottest).toBe(2 * 4 + 0);
  });

  it("answers every device of the tenant without a list, and never another tenant's grid", async () => {
    const mall = await query({ tenantId: MALL, metric: 'heatmap' });
    expect(mall.heatmaps?.map((h) => h.deviceId)).toEqual(['cam-a', 'cam-b', 'cam-c']);
    const rival = await query({ tenantId: RIVAL, metric: 'heatmap' });
    expect(rival.heatmaps?.map((h) => [h.deviceId, h.cols, h.rows])).toEqual([['cam-a', 32, 18]]);
    const rivalTotal = rival.heatmaps![0]!.cells.reduce((a, b) => a + b, 0);
    const mallA = mall.heatmaps![0]!.cells.reduce((a, b) => a + b, 0);
    expect(rivalTotal).toBeGreaterThan(mallA); // five people against one
    expect(await query({ tenantId: 'nobody', metric: 'heatmap' })).toEqual({ ok: true, heatmaps: [] });
  });
});
