import { type AnalyticsQuery, buckets, subjects } from '@sightline/contracts';
import { JsonBucket, jetstream, type Msg } from '@sightline/nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertEvent, publishEvent, rollup } from './fixtures.js';
import { bearer, type Harness, startHarness, type TenantKeys } from './harness.js';

let h: Harness;
let a: TenantKeys;
let b: TenantKeys;
let camA: string;
let camB: string;
const MIN = 60_000;
const t0 = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000;

beforeAll(async () => {
  h = await startHarness({ analyticsTimeoutMs: 1000 });
  a = await h.tenant('A');
  b = await h.tenant('B');
  camA = (await h.control.createDevice(a.tenantId, { name: 'a' })).deviceId;
  camB = (await h.control.createDevice(b.tenantId, { name: 'b' })).deviceId;
});
afterAll(async () => h?.close());

const get = (url: string, key: string) => h.app.inject({ url, headers: bearer(key) });
const iso = (ms: number) => new Date(ms).toISOString();

describe('metrics and heatmap over the analytics query contract', () => {
  it('answers 503 JSON when analytics is not running', async () => {
    const res = await get(`/api/v1/devices/${camA}/metrics`, a.admin);
    expect(res.statusCode).toBe(503);
    expect(res.json().error.code).toBe('unavailable');
    expect((await get(`/api/v1/devices/${camA}/heatmap`, a.admin)).statusCode).toBe(503);
  });

  it('asks for the caller tenant only and re-buckets per-minute rollups', async () => {
    // A stand-in responder speaking the AnalyticsQuery contract over real NATS.
    const asked: AnalyticsQuery[] = [];
    const sub = h.nc.subscribe(subjects.analyticsQuery, {
      callback: (_err, msg: Msg) => {
        const q = msg.json<AnalyticsQuery>();
        asked.push(q);
        if (q.metric === 'heatmap') {
          msg.respond(
            JSON.stringify({
              ok: true,
              heatmaps: [{ deviceId: camA, cols: 2, rows: 1, cells: [3, 4], windowMs: 600000 }],
            }),
          );
          return;
        }
        const rollups = [0, 1, 2, 3, 5].map((m) => rollup(q.tenantId, camA, t0 + m * MIN, m));
        msg.respond(JSON.stringify({ ok: true, rollups }));
      },
    });
    const res = await get(
      `/api/v1/devices/${camA}/metrics?from=${iso(t0)}&to=${iso(t0 + 10 * MIN)}&bucket=180&metric=counts_mean`,
      a.admin,
    );
    expect(res.statusCode).toBe(200);
    expect(asked[0]).toEqual({
      tenantId: a.tenantId,
      deviceIds: [camA],
      metric: 'rollups',
      from: t0,
      to: t0 + 10 * MIN,
    });
    expect(res.json().points).toEqual([
      { t: t0, frames: 180, value: { person: 1 } },
      { t: t0 + 3 * MIN, frames: 120, value: { person: 4 } },
    ]);
    const sums = await get(
      `/api/v1/devices/${camA}/metrics?bucket=3600&metric=crossings_in&from=${iso(t0)}`,
      a.admin,
    );
    expect(sums.json().points[0].value).toEqual({ door: 5 });
    const heat = await get(`/api/v1/devices/${camA}/heatmap`, a.admin);
    expect(heat.json()).toMatchObject({ cols: 2, rows: 1, cells: [3, 4] });
    expect((await get(`/api/v1/devices/${camB}/metrics`, a.admin)).statusCode).toBe(404);
    expect((await get(`/api/v1/devices/${camA}/metrics?bucket=7`, a.admin)).statusCode).toBe(400);
    expect(asked.every((q) => q.tenantId === a.tenantId)).toBe(true);
    sub.unsubscribe();
  });
});

describe('health', () => {
  it('serves what ingest wrote, an empty record before that, 404 for other tenants', async () => {
    const empty = await get(`/api/v1/devices/${camA}/health`, a.admin);
    expect(empty.statusCode).toBe(200);
    expect(empty.json()).toMatchObject({
      deviceId: camA,
      quality: 'unusable',
      lastFrameAt: null,
      cameraFps: 0,
    });
    const kv = await JsonBucket.open(h.nc, buckets.sessions);
    const at = Date.now() - 2000;
    await kv.put(`health.${a.tenantId}.${camA}`, {
      tenantId: a.tenantId,
      deviceId: camA,
      cameraFps: 5,
      detectFps: 5,
      quality: 'excellent',
      lastFrameAt: at,
    });
    const res = await get(`/api/v1/devices/${camA}/health`, a.admin);
    expect(res.json()).toMatchObject({ cameraFps: 5, quality: 'excellent', lastFrameAt: at });
    expect(res.json().lastFrameAgeSec).toBeGreaterThanOrEqual(2);
    expect((await get(`/api/v1/devices/${camA}/health`, b.admin)).statusCode).toBe(404);
  });
});

describe('alerts', () => {
  it("lists the tenant's recent alerts newest first, filtered, never another tenant's", async () => {
    const js = jetstream(h.nc);
    const now = Date.now();
    await publishEvent(
      js,
      a.tenantId,
      camA,
      alertEvent(a.tenantId, camA, { ruleId: 'q', severity: 'warning', state: 'firing', at: now - 3000 }),
    );
    await publishEvent(
      js,
      a.tenantId,
      camA,
      alertEvent(a.tenantId, camA, { ruleId: 'q', severity: 'warning', state: 'resolved', at: now - 2000 }),
    );
    await publishEvent(
      js,
      a.tenantId,
      camA,
      alertEvent(a.tenantId, camA, {
        ruleId: 'crowd',
        severity: 'critical',
        state: 'firing',
        at: now - 1000,
      }),
    );
    await publishEvent(
      js,
      b.tenantId,
      camB,
      alertEvent(b.tenantId, camB, { ruleId: 'secret-rule', severity: 'critical', state: 'firing', at: now }),
    );

    const all = await get('/api/v1/alerts', a.admin);
    expect(all.statusCode).toBe(200);
    expect(all.json().items.map((x: { ruleId: string; state: string }) => `${x.ruleId}:${x.state}`)).toEqual([
      'crowd:firing',
      'q:resolved',
      'q:firing',
    ]);
    expect(all.body).not.toContain('secret-rule');
    const critical = await get('/api/v1/alerts?severity=critical', a.admin);
    expect(critical.json().items).toHaveLength(1);
    const byDevice = await get(`/api/v1/alerts?device=${camA}&state=resolved&limit=5`, a.admin);
    expect(byDevice.json().items).toHaveLength(1);
    expect((await get(`/api/v1/alerts?device=${camB}`, a.admin)).statusCode).toBe(404);
    expect(
      (await get('/api/v1/alerts', b.admin)).json().items.map((x: { ruleId: string }) => x.ruleId),
    ).toEqual(['secret-rule']);
  });
});
