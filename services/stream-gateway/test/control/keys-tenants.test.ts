import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, type Harness, startHarness, type TenantKeys } from './harness.js';

let h: Harness;
let a: TenantKeys;
beforeAll(async () => {
  h = await startHarness();
  a = await h.tenant('A');
});
afterAll(async () => h?.close());

const devicesWith = (key: string) => h.app.inject({ url: '/api/v1/devices', headers: bearer(key) });

describe('API keys', () => {
  it('shows a new key once and lists only prefix and metadata, never the hash', async () => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/v1/keys',
      headers: bearer(a.admin),
      payload: { owner: 'bob', name: 'ci', scopes: ['device:read'], ttlSeconds: 3600 },
    });
    expect(res.statusCode).toBe(201);
    const created = res.json();
    expect(created.key).toMatch(new RegExp(`^${created.prefix}`));
    expect(created.hash).toBeUndefined();
    expect(created.expiresAt).toBeGreaterThan(Date.now());
    expect((await devicesWith(created.key)).statusCode).toBe(200);

    const list = await h.app.inject({ url: '/api/v1/keys', headers: bearer(a.admin) });
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain(created.key);
    expect(list.body).not.toContain('"hash"');
    const listed = list.json().items.find((k: { keyId: string }) => k.keyId === created.keyId);
    expect(listed).toMatchObject({
      owner: 'bob',
      name: 'ci',
      scopes: ['device:read'],
      prefix: created.prefix,
    });
  });

  it('revokes and rotates keys', async () => {
    const make = async () =>
      (
        await h.app.inject({
          method: 'POST',
          url: '/api/v1/keys',
          headers: bearer(a.admin),
          payload: { scopes: ['device:read'] },
        })
      ).json();
    const victim = await make();
    const del = await h.app.inject({
      method: 'DELETE',
      url: `/api/v1/keys/${victim.keyId}`,
      headers: bearer(a.admin),
    });
    expect(del.statusCode).toBe(204);
    expect((await devicesWith(victim.key)).statusCode).toBe(401);

    const old = await make();
    const rot = await h.app.inject({
      method: 'POST',
      url: `/api/v1/keys/${old.keyId}/rotate`,
      headers: bearer(a.admin),
      payload: {},
    });
    expect(rot.statusCode).toBe(201);
    expect(rot.json()).toMatchObject({ replaces: old.keyId, scopes: ['device:read'] });
    expect((await devicesWith(old.key)).statusCode).toBe(401);
    expect((await devicesWith(rot.json().key)).statusCode).toBe(200);

    const graced = await make();
    const rot2 = await h.app.inject({
      method: 'POST',
      url: `/api/v1/keys/${graced.keyId}/rotate`,
      headers: bearer(a.admin),
      payload: { graceSeconds: 600 },
    });
    expect(rot2.statusCode).toBe(201);
    expect((await devicesWith(graced.key)).statusCode).toBe(200);
  });

  it("cannot list, revoke or rotate another tenant's keys", async () => {
    const b = await h.tenant('B');
    const theirs = await h.control.createApiKey({ tenantId: b.tenantId, owner: 'eve', scopes: ['admin'] });
    const list = await h.app.inject({ url: '/api/v1/keys', headers: bearer(a.admin) });
    expect(list.body).not.toContain(theirs.record.keyId);
    const del = await h.app.inject({
      method: 'DELETE',
      url: `/api/v1/keys/${theirs.record.keyId}`,
      headers: bearer(a.admin),
    });
    expect(del.statusCode).toBe(404);
    const rot = await h.app.inject({
      method: 'POST',
      url: `/api/v1/keys/${theirs.record.keyId}/rotate`,
      headers: bearer(a.admin),
      payload: {},
    });
    expect(rot.statusCode).toBe(404);
    expect((await devicesWith(theirs.key)).statusCode).toBe(200);
  });
});

describe('tenants and audit', () => {
  it('lets only a platform admin create a tenant, whose first admin key works', async () => {
    await h.control.createTenant('Platform', 'platform');
    const platform = await h.control.createApiKey({ tenantId: 'platform', owner: 'root', scopes: ['admin'] });
    const denied = await h.app.inject({
      method: 'POST',
      url: '/api/v1/tenants',
      headers: bearer(a.admin),
      payload: { name: 'Nope' },
    });
    expect(denied.statusCode).toBe(403);
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/v1/tenants',
      headers: bearer(platform.key),
      payload: { name: 'Fresh', tenantId: 'fresh' },
    });
    expect(res.statusCode).toBe(201);
    const { tenant, adminKey } = res.json();
    expect(tenant).toMatchObject({ tenantId: 'fresh', name: 'Fresh' });
    expect((await devicesWith(adminKey.key)).json()).toEqual({ items: [] });
    const again = await h.app.inject({
      method: 'POST',
      url: '/api/v1/tenants',
      headers: bearer(platform.key),
      payload: { name: 'Fresh', tenantId: 'fresh' },
    });
    expect(again.statusCode).toBe(400);
  });

  it('records who changed what in the audit stream, per tenant, for admins only', async () => {
    const t = await h.tenant('Audited');
    await h.app.inject({
      method: 'POST',
      url: '/api/v1/devices',
      headers: bearer(t.admin),
      payload: { name: 'x', deviceId: 'aud-1' },
    });
    await h.app.inject({ method: 'DELETE', url: '/api/v1/devices/aud-1', headers: bearer(t.admin) });
    const res = await h.app.inject({ url: '/api/v1/audit?limit=10', headers: bearer(t.admin) });
    expect(res.statusCode).toBe(200);
    const items = res.json().items;
    expect(items.map((e: { action: string }) => e.action)).toEqual(['device.delete', 'device.create']);
    expect(items[1]).toMatchObject({
      tenantId: t.tenantId,
      resourceId: 'aud-1',
      actor: { owner: 'Audited-user' },
    });
    expect(res.body).not.toContain(t.admin);
    const reader = await t.key(['device:read']);
    expect((await h.app.inject({ url: '/api/v1/audit', headers: bearer(reader) })).statusCode).toBe(403);
    const other = await h.app.inject({ url: '/api/v1/audit', headers: bearer(a.admin) });
    expect(other.body).not.toContain('aud-1');
  });
});
