import { connectNats, jetstream, type NatsConnection, provisionAll } from '@sightline/nats';
import { startNats, type TestNats } from '@sightline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog, ControlPlane } from '../src/index.js';

let nats: TestNats;
let nc: NatsConnection;
let control: ControlPlane;
beforeAll(async () => {
  nats = await startNats();
  nc = await connectNats({ url: nats.url, name: 'auth-ext-test' });
  await provisionAll(nc);
  control = await ControlPlane.open(nc, { keyCacheMs: 0 });
});
afterAll(async () => {
  await nc?.drain();
  await nats?.stop();
});

describe('key rotation and listing', () => {
  it('rotates a key: new one works with the same scopes, the old one stops', async () => {
    const t = await control.createTenant('Rot');
    const { record, key } = await control.createApiKey({
      tenantId: t.tenantId,
      owner: 'o',
      scopes: ['device:read'],
    });
    const rotated = await control.rotateApiKey(t.tenantId, record.keyId);
    expect(rotated).toBeDefined();
    expect(await control.verifyApiKey(key)).toBeUndefined();
    expect(await control.verifyApiKey(rotated!.key)).toMatchObject({ scopes: ['device:read'], owner: 'o' });
    expect(await control.rotateApiKey(t.tenantId, record.keyId)).toBeUndefined();
  });

  it('keeps the old key during a grace period and never rotates another tenant’s key', async () => {
    const t = await control.createTenant('Grace');
    const other = await control.createTenant('Other');
    const { record, key } = await control.createApiKey({
      tenantId: t.tenantId,
      owner: 'o',
      scopes: ['admin'],
    });
    expect(await control.rotateApiKey(other.tenantId, record.keyId)).toBeUndefined();
    const rotated = await control.rotateApiKey(t.tenantId, record.keyId, 60_000);
    expect(await control.verifyApiKey(key)).toBeDefined();
    expect(rotated!.retired.expiresAt).toBeGreaterThan(Date.now());
    const listed = await control.listApiKeys(t.tenantId);
    expect(listed.map((r) => r.keyId).sort()).toEqual([record.keyId, rotated!.record.keyId].sort());
    expect(await control.listApiKeys(other.tenantId)).toEqual([]);
  });
});

describe('device update and paging', () => {
  it('patches a device of the tenant only', async () => {
    const t = await control.createTenant('Dev');
    const other = await control.createTenant('Dev2');
    const d = await control.createDevice(t.tenantId, { name: 'cam', sourceUrl: 'rtsp://x/1' });
    expect(await control.updateDevice(other.tenantId, d.deviceId, { name: 'nope' })).toBeUndefined();
    const next = await control.updateDevice(t.tenantId, d.deviceId, { name: 'cam2', sourceUrl: null });
    expect(next).toMatchObject({ name: 'cam2' });
    expect(next?.sourceUrl).toBeUndefined();
    expect(await control.getDevice(t.tenantId, d.deviceId)).toEqual(next);
  });

  it('pages with a cursor', async () => {
    const t = await control.createTenant('Paging');
    for (const id of ['c', 'a', 'b']) await control.createDevice(t.tenantId, { name: id, deviceId: id });
    const first = await control.listDevicesPage(t.tenantId, { limit: 2 });
    expect(first.items.map((d) => d.deviceId)).toEqual(['a', 'b']);
    const second = await control.listDevicesPage(t.tenantId, { limit: 2, cursor: first.nextCursor });
    expect(second.items.map((d) => d.deviceId)).toEqual(['c']);
    expect(second.nextCursor).toBeUndefined();
  });
});

describe('audit log', () => {
  it('appends entries per tenant and reads the newest first', async () => {
    const audit = new AuditLog(jetstream(nc));
    const actor = { tenantId: 'ta', keyId: 'k1', owner: 'alice' };
    await audit.record(actor, { action: 'device.create', resource: 'device', resourceId: 'd1' });
    await audit.record(actor, { action: 'device.delete', resource: 'device', resourceId: 'd1' });
    await audit.record(
      { ...actor, tenantId: 'tb' },
      { action: 'key.create', resource: 'key', resourceId: 'k' },
    );
    const recent = await audit.recent('ta', { sinceMs: Date.now() - 60_000, limit: 10 });
    expect(recent.map((e) => e.action)).toEqual(['device.delete', 'device.create']);
    expect(recent[0]!.actor).toEqual({ keyId: 'k1', owner: 'alice' });
    expect(await audit.recent('tc', { sinceMs: 0, limit: 10 })).toEqual([]);
  });
});
