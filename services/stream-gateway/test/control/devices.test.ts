import { subjects } from '@sightline/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, type Harness, startHarness, type TenantKeys } from './harness.js';

let h: Harness;
let a: TenantKeys;
let b: TenantKeys;
beforeAll(async () => {
  h = await startHarness();
  a = await h.tenant('A');
  b = await h.tenant('B');
});
afterAll(async () => h?.close());

describe('devices API', () => {
  it('creates, reads, patches and deletes a device, publishing each change', async () => {
    const changes = h.nc.subscribe(`control.device.${a.tenantId}.*`);
    const create = await h.app.inject({
      method: 'POST',
      url: '/api/v1/devices',
      headers: bearer(a.admin),
      payload: { name: 'Lobby', labels: ['entrance', 'floor-1'], sourceUrl: 'rtsp://cam/1', detectFps: 4 },
    });
    expect(create.statusCode).toBe(201);
    const device = create.json();
    expect(device).toMatchObject({
      name: 'Lobby',
      labels: ['entrance', 'floor-1'],
      detectFps: 4,
      privacyMode: false,
    });
    const id = device.deviceId as string;

    const patched = await h.app.inject({
      method: 'PATCH',
      url: `/api/v1/devices/${id}`,
      headers: bearer(a.admin),
      payload: { privacyMode: true, sourceUrl: null, labels: ['exit'] },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ privacyMode: true, labels: ['exit'], name: 'Lobby' });
    expect(patched.json().sourceUrl).toBeUndefined();

    const read = await h.app.inject({ url: `/api/v1/devices/${id}`, headers: bearer(a.admin) });
    expect(read.json()).toEqual(patched.json());

    const del = await h.app.inject({
      method: 'DELETE',
      url: `/api/v1/devices/${id}`,
      headers: bearer(a.admin),
    });
    expect(del.statusCode).toBe(204);
    expect((await h.app.inject({ url: `/api/v1/devices/${id}`, headers: bearer(a.admin) })).statusCode).toBe(
      404,
    );

    const seen: string[] = [];
    for await (const m of changes) {
      seen.push(m.subject);
      if (seen.length === 3) break;
    }
    expect(seen).toEqual(Array(3).fill(subjects.controlChanged('device', a.tenantId, id)));
  });

  it('pages through devices with a cursor and filters by label', async () => {
    const t = await h.tenant('Pager');
    for (let i = 0; i < 5; i++) {
      await h.control.createDevice(t.tenantId, {
        name: `cam ${i}`,
        deviceId: `cam-${i}`,
        labels: i % 2 ? ['odd'] : [],
      });
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await h.app.inject({
        url: `/api/v1/devices?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        headers: bearer(t.admin),
      });
      expect(res.statusCode).toBe(200);
      const page = res.json();
      seen.push(...page.items.map((d: { deviceId: string }) => d.deviceId));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(seen).toEqual(['cam-0', 'cam-1', 'cam-2', 'cam-3', 'cam-4']);
    expect(pages).toBe(3);
    const odd = await h.app.inject({ url: '/api/v1/devices?label=odd', headers: bearer(t.admin) });
    expect(odd.json().items.map((d: { deviceId: string }) => d.deviceId)).toEqual(['cam-1', 'cam-3']);
  });

  it("answers 404 for another tenant's device on every verb, and leaves it untouched", async () => {
    const theirs = await h.control.createDevice(b.tenantId, { name: 'B cam' });
    const url = `/api/v1/devices/${theirs.deviceId}`;
    for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
      const res = await h.app.inject({
        method,
        url,
        headers: bearer(a.admin),
        ...(method === 'PATCH' ? { payload: { name: 'stolen' } } : {}),
      });
      expect(res.statusCode).toBe(404);
      expect(res.body).not.toContain('B cam');
    }
    expect((await h.control.getDevice(b.tenantId, theirs.deviceId))?.name).toBe('B cam');
    const list = await h.app.inject({ url: '/api/v1/devices', headers: bearer(a.admin) });
    expect(list.body).not.toContain(theirs.deviceId);
  });

  it('enforces scopes and strict bodies', async () => {
    const reader = await a.key(['device:read']);
    const writer = await a.key(['device:write']);
    const other = await a.key(['chat:write']);
    const body = { name: 'x' };
    const post = (key: string, payload: unknown = body) =>
      h.app.inject({
        method: 'POST',
        url: '/api/v1/devices',
        headers: bearer(key),
        payload: payload as object,
      });
    expect((await post(reader)).statusCode).toBe(403);
    expect((await post(writer)).statusCode).toBe(201);
    expect((await h.app.inject({ url: '/api/v1/devices', headers: bearer(other) })).statusCode).toBe(403);
    expect((await h.app.inject({ url: '/api/v1/devices' })).statusCode).toBe(401);
    const extra = await post(writer, { name: 'x', tenantId: b.tenantId });
    expect(extra.statusCode).toBe(400);
    expect(extra.json().error.code).toBe('bad_request');
    expect((await post(writer, { name: 'x', sourceUrl: 'file:///etc/passwd' })).statusCode).toBe(400);
    expect((await post(writer, { name: 'x', labels: ['a.b'] })).statusCode).toBe(400);
  });
});
