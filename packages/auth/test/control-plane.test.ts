import { connectNats, type NatsConnection, provisionAll } from '@sightline/nats';
import { startNats, type TestNats } from '@sightline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ControlPlane, hashKey } from '../src/index.js';

let nats: TestNats;
let nc: NatsConnection;
let control: ControlPlane;
beforeAll(async () => {
  nats = await startNats();
  nc = await connectNats({ url: nats.url, name: 'auth-test' });
  await provisionAll(nc);
  control = await ControlPlane.open(nc, { keyCacheMs: 0 });
});
afterAll(async () => {
  await nc?.drain();
  await nats?.stop();
});

describe('control plane', () => {
  it('stores only the hash of a key and verifies it', async () => {
    const tenant = await control.createTenant('Acme');
    const { record, key } = await control.createApiKey({
      tenantId: tenant.tenantId,
      owner: 'ops',
      scopes: ['device:read'],
    });
    expect(record.hash).toBe(hashKey(key));
    expect(JSON.stringify(await control.keys.get(record.keyId))).not.toContain(key);
    expect(await control.verifyApiKey(key)).toMatchObject({
      tenantId: tenant.tenantId,
      scopes: ['device:read'],
    });
    // One character changed (to one it is not already).
    const tampered = `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`;
    expect(await control.verifyApiKey(tampered)).toBeUndefined();
    expect(await control.verifyApiKey('garbage')).toBeUndefined();
  });

  it('refuses revoked and expired keys', async () => {
    const tenant = await control.createTenant('Beta');
    const { record, key } = await control.createApiKey({
      tenantId: tenant.tenantId,
      owner: 'a',
      scopes: ['admin'],
    });
    await control.revokeApiKey(tenant.tenantId, record.keyId);
    expect(await control.verifyApiKey(key)).toBeUndefined();
    const expiring = await control.createApiKey({
      tenantId: tenant.tenantId,
      owner: 'a',
      scopes: ['admin'],
      ttlMs: 1,
    });
    await new Promise((r) => setTimeout(r, 5));
    expect(await control.verifyApiKey(expiring.key)).toBeUndefined();
  });

  it('keeps devices per tenant', async () => {
    const a = await control.createTenant('A');
    const b = await control.createTenant('B');
    const device = await control.createDevice(a.tenantId, { name: 'Front door' });
    expect(await control.getDevice(a.tenantId, device.deviceId)).toMatchObject({ name: 'Front door' });
    expect(await control.getDevice(b.tenantId, device.deviceId)).toBeUndefined();
    expect(await control.getDevice(a.tenantId, '../etc')).toBeUndefined();
    expect((await control.listDevices(a.tenantId)).map((d) => d.deviceId)).toEqual([device.deviceId]);
    expect(await control.listDevices(b.tenantId)).toEqual([]);
  });
});
