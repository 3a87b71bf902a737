import { subjects } from '@sightline/contracts';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, type Harness, startHarness } from './harness.js';

/**
 * Property-based fuzzing of every control-plane route: random methods, ids, query strings,
 * headers and bodies (random JSON and near-valid shapes). Property: never a 5xx.
 * 4 properties × 2,500 runs = 10,000 cases.
 */
const RUNS = 2500;
let h: Harness;
let keys: string[];
let device: string;

beforeAll(async () => {
  h = await startHarness({
    rateLimit: { perKey: 1e9, perIp: 1e9, windowMs: 60_000 },
    webhooks: { dispatch: false },
  });
  // A stand-in for analytics-aggregation answering the query contract, so 503 "not running" is not in play.
  h.nc.subscribe(subjects.analyticsQuery, {
    callback: (_e, m) => {
      m.respond(JSON.stringify({ ok: true, rollups: [], heatmaps: [] }));
    },
  });
  const t = await h.tenant('Fuzz');
  keys = [t.admin, await t.key(['device:read']), await t.key(['device:write']), 'sl_0000000000000000_x', ''];
  device = (await h.control.createDevice(t.tenantId, { name: 'fuzz cam', deviceId: 'fuzz-cam' })).deviceId;
});
afterAll(async () => h?.close());

const templates = [
  '/api/v1/devices',
  '/api/v1/devices/:id',
  '/api/v1/devices/:id/scene',
  '/api/v1/devices/:id/metrics',
  '/api/v1/devices/:id/heatmap',
  '/api/v1/devices/:id/health',
  '/api/v1/alerts',
  '/api/v1/keys',
  '/api/v1/keys/:id',
  '/api/v1/keys/:id/rotate',
  '/api/v1/tenants',
  '/api/v1/webhooks',
  '/api/v1/webhooks/:id',
  '/api/v1/webhooks/:id/deliveries',
  '/api/v1/audit',
];
const method = fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE' as const);
const idArb = fc.oneof(
  fc.constant('fuzz-cam'),
  fc.string({ maxLength: 80 }),
  fc.stringMatching(/^[A-Za-z0-9_-]{1,70}$/),
);
const queryArb = fc.dictionary(
  fc.constantFrom(
    'limit',
    'cursor',
    'label',
    'from',
    'to',
    'bucket',
    'metric',
    'zone',
    'severity',
    'state',
    'since',
    'device',
    'x',
  ),
  fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.integer().map(String),
    fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  ),
  { maxKeys: 4 },
);
const point = fc.tuple(
  fc.double({ min: -100, max: 2000, noNaN: true }),
  fc.double({ min: -100, max: 2000, noNaN: true }),
);
const sceneArb = fc.record(
  {
    frame: fc.record({
      width: fc.integer({ min: -5, max: 4000 }),
      height: fc.integer({ min: -5, max: 4000 }),
    }),
    zones: fc.array(
      fc.record(
        {
          id: fc.stringMatching(/^[a-z]{1,4}$/),
          kind: fc.constantFrom('zone', 'queue'),
          polygon: fc.array(point, { minLength: 0, maxLength: 12 }),
          servicePoint: point,
        },
        { requiredKeys: ['id', 'polygon'] },
      ),
      { maxLength: 5 },
    ),
    lines: fc.array(
      fc.record({
        id: fc.stringMatching(/^[a-z]{1,4}$/),
        a: point,
        b: point,
        inFrom: fc.constantFrom('left', 'right', 'up'),
      }),
      { maxLength: 3 },
    ),
    thresholds: fc.record({ trackHigh: fc.double({ noNaN: true }), trackLow: fc.double({ noNaN: true }) }),
    calibration: fc.record({
      homography: fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 9, maxLength: 9 }),
    }),
  },
  { requiredKeys: [] },
);
const deviceBody = fc.record(
  {
    name: fc.oneof(fc.string({ maxLength: 140 }), fc.integer()),
    labels: fc.array(fc.string({ maxLength: 70 }), { maxLength: 40 }),
    sourceUrl: fc.oneof(fc.webUrl(), fc.string(), fc.constant(null)),
    detectFps: fc.oneof(fc.double({ noNaN: true }), fc.string()),
    privacyMode: fc.oneof(fc.boolean(), fc.string()),
    deviceId: idArb,
  },
  { requiredKeys: [] },
);
const otherBody = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.record(
    { scopes: fc.array(fc.string(), { maxLength: 8 }), ttlSeconds: fc.integer(), owner: fc.string() },
    { requiredKeys: [] },
  ),
  fc.record(
    { url: fc.oneof(fc.webUrl(), fc.string()), analytics: fc.array(fc.string()) },
    { requiredKeys: [] },
  ),
  fc.record({ name: fc.string(), tenantId: idArb, graceSeconds: fc.integer() }, { requiredKeys: [] }),
);

async function send(
  m: string,
  template: string,
  id: string,
  query: Record<string, string>,
  body: unknown,
  key: string,
) {
  const path = template.replace(':id', encodeURIComponent(id));
  const qs = new URLSearchParams(query).toString();
  const res = await h.app.inject({
    method: m as 'GET',
    url: qs ? `${path}?${qs}` : path,
    headers: {
      ...(key ? bearer(key) : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });
  if (res.statusCode >= 500) throw new Error(`${m} ${path}?${qs} -> ${res.statusCode} ${res.body}`);
  return res.statusCode;
}

describe('fuzz: no 5xx on any input', () => {
  it('random routes, ids, queries and JSON bodies', async () => {
    await fc.assert(
      fc.asyncProperty(
        method,
        fc.constantFrom(...templates),
        idArb,
        queryArb,
        fc.option(otherBody),
        fc.nat(4),
        async (m, t, id, q, body, k) => {
          await send(m, t, id, q, body ?? undefined, keys[k]!);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('device bodies on create and patch', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('POST', 'PATCH'), deviceBody, async (m, body) => {
        await send(m, m === 'POST' ? '/api/v1/devices' : '/api/v1/devices/:id', device, {}, body, keys[0]!);
      }),
      { numRuns: RUNS },
    );
  });

  it('scene geometry', async () => {
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(sceneArb, async (scene) => {
        statuses.add(await send('PUT', '/api/v1/devices/:id/scene', device, {}, scene, keys[0]!));
      }),
      { numRuns: RUNS },
    );
    expect(statuses.has(400)).toBe(true);
  });

  it('read-model queries', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('metrics', 'heatmap', 'health'),
        queryArb,
        fc.nat(4),
        async (what, q, k) => {
          await send('GET', `/api/v1/devices/:id/${what}`, device, q, undefined, keys[k]!);
          await send('GET', '/api/v1/alerts', '', q, undefined, keys[k]!);
        },
      ),
      { numRuns: RUNS },
    );
  });
});
