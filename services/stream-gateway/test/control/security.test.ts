import { type Scope, scopes } from '@sightline/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, type Harness, startHarness, type TenantKeys } from './harness.js';
import { type Ids, routeCases } from './routes.js';

let h: Harness;
let a: TenantKeys;
let b: TenantKeys;

beforeAll(async () => {
  h = await startHarness({ analyticsTimeoutMs: 200, docs: true });
  a = await h.tenant('A');
  b = await h.tenant('B');
});
afterAll(async () => h?.close());

/** Fresh resources of a tenant, with a recognisable marker in every name. */
async function resourcesOf(t: TenantKeys, marker: string): Promise<Ids> {
  const device = (await h.control.createDevice(t.tenantId, { name: marker, labels: [marker] })).deviceId;
  const key = (await h.control.createApiKey({ tenantId: t.tenantId, owner: marker, scopes: ['device:read'] }))
    .record.keyId;
  const hook = await h.app.inject({
    method: 'POST',
    url: '/api/v1/webhooks',
    headers: bearer(t.admin),
    payload: { url: `https://${marker}.example.com/hook` },
  });
  return { device, key, webhook: hook.json().webhookId };
}

describe('tenant isolation matrix', () => {
  it("answers 404 on every route addressing tenant B's resources with tenant A's admin key, leaking nothing", async () => {
    const theirs = await resourcesOf(b, 'bsecretmarker');
    const cases = routeCases(theirs).filter(
      (c) => c.url.includes(theirs.device) || c.url.includes(theirs.key) || c.url.includes(theirs.webhook),
    );
    expect(cases.length).toBeGreaterThanOrEqual(11);
    for (const c of cases) {
      const res = await h.app.inject({
        method: c.method,
        url: c.url,
        headers: bearer(a.admin),
        ...(c.payload ? { payload: c.payload } : {}),
      });
      expect({ route: `${c.method} ${c.url}`, status: res.statusCode }).toEqual({
        route: `${c.method} ${c.url}`,
        status: 404,
      });
      expect(res.body).not.toContain('bsecretmarker');
    }
    // Listing routes of A show none of B's data.
    for (const url of [
      '/api/v1/devices',
      '/api/v1/keys',
      '/api/v1/webhooks',
      '/api/v1/audit',
      '/api/v1/alerts',
      '/api/v1/devices?label=bsecretmarker',
    ]) {
      const res = await h.app.inject({ url, headers: bearer(a.admin) });
      expect(res.statusCode).toBe(200);
      expect(res.body).not.toContain('bsecretmarker');
    }
    // B's resources are untouched.
    expect(await h.control.getDevice(b.tenantId, theirs.device)).toMatchObject({ name: 'bsecretmarker' });
    expect((await h.control.getApiKey(b.tenantId, theirs.key))?.revokedAt).toBeUndefined();
  });
});

describe('scope matrix', () => {
  it('allows each route exactly for its documented scopes and admin', async () => {
    const keyOf = new Map<Scope, string>();
    for (const s of scopes) keyOf.set(s, await a.key([s]));
    const platformKey = await (async () => {
      await h.control.createTenant('Platform', 'platform');
      return (await h.control.createApiKey({ tenantId: 'platform', owner: 'root', scopes: ['admin'] })).key;
    })();
    let checked = 0;
    for (const scope of scopes) {
      const ids = await resourcesOf(a, `m${checked}`);
      for (const c of routeCases(ids)) {
        const key = c.url === '/api/v1/tenants' && scope === 'admin' ? platformKey : keyOf.get(scope)!;
        const res = await h.app.inject({
          method: c.method,
          url: c.url,
          headers: bearer(key),
          ...(c.payload ? { payload: c.payload } : {}),
        });
        const allowed = scope === 'admin' || c.scopes.some((s) => s === scope);
        const verdict = res.statusCode === 403 || res.statusCode === 401 ? 'denied' : 'allowed';
        expect({ route: `${c.method} ${c.url}`, scope, verdict }).toEqual({
          route: `${c.method} ${c.url}`,
          scope,
          verdict: allowed ? 'allowed' : 'denied',
        });
        // 503 only from the read models while analytics is not running; never another 5xx.
        expect(res.statusCode < 500 || res.statusCode === 503).toBe(true);
        checked++;
      }
      // A tenant admin (not the platform's) may not create tenants.
      if (scope === 'admin') {
        const res = await h.app.inject({
          method: 'POST',
          url: '/api/v1/tenants',
          headers: bearer(keyOf.get('admin')!),
          payload: { name: 'x' },
        });
        expect(res.statusCode).toBe(403);
      }
    }
    expect(checked).toBe(scopes.length * 21);
  });

  it('refuses every route without a key, or with a malformed or revoked one', async () => {
    const ids = await resourcesOf(a, 'anon');
    const revoked = await h.control.createApiKey({ tenantId: a.tenantId, owner: 'x', scopes: ['admin'] });
    await h.control.revokeApiKey(a.tenantId, revoked.record.keyId);
    for (const c of routeCases(ids)) {
      for (const headers of [{}, bearer('sl_nothex_short'), bearer(revoked.key)]) {
        const res = await h.app.inject({
          method: c.method,
          url: c.url,
          headers,
          ...(c.payload ? { payload: c.payload } : {}),
        });
        expect(res.statusCode).toBe(401);
      }
    }
  });
});

describe('limits and docs', () => {
  it('refuses bodies over the limit with 413', async () => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/v1/devices',
      headers: { ...bearer(a.admin), 'content-type': 'application/json' },
      payload: JSON.stringify({ name: 'x'.repeat(300 * 1024) }),
    });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('payload_too_large');
  });

  it('serves an OpenAPI document with every route', async () => {
    const res = await h.app.inject({ url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    const paths = Object.keys(res.json().paths);
    for (const c of routeCases({ device: '{id}', key: '{id}', webhook: '{id}' }))
      expect(paths).toContain(c.url);
    expect((await h.app.inject({ url: '/docs' })).statusCode).toBeLessThan(400);
  });
});

describe('rate limits', () => {
  it('answers 429 with Retry-After per key and per client address', async () => {
    const limited = await startHarness({
      rateLimit: { perKey: 5, perIp: 12, windowMs: 60_000 },
      webhooks: { dispatch: false },
    });
    try {
      const t = await limited.tenant('L');
      const key2 = await t.key(['device:read']);
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++)
        statuses.push(
          (await limited.app.inject({ url: '/api/v1/devices', headers: bearer(t.admin) })).statusCode,
        );
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
      const byKey = await limited.app.inject({ url: '/api/v1/devices', headers: bearer(t.admin) });
      expect(Number(byKey.headers['retry-after'])).toBeGreaterThan(0);
      // Another key from the same address still works until the address limit (12) is hit.
      expect((await limited.app.inject({ url: '/api/v1/devices', headers: bearer(key2) })).statusCode).toBe(
        200,
      );
      const results: number[] = [];
      for (let i = 0; i < 5; i++)
        results.push(
          (await limited.app.inject({ url: '/api/v1/devices', headers: bearer(key2) })).statusCode,
        );
      expect(results.at(-1)).toBe(429);
      const other = await limited.app.inject({
        url: '/api/v1/devices',
        headers: bearer(key2),
        remoteAddress: '10.1.2.3',
      });
      expect(other.statusCode).toBe(200);
      expect(await limited.registry.metrics()).toMatch(/control_rate_limited_total\{by="ip"/);
    } finally {
      await limited.close();
    }
  });
});
