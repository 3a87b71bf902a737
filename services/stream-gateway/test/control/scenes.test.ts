import { buckets, type Scene, sceneKey, subjects } from '@sightline/contracts';
import { JsonBucket } from '@sightline/nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, type Harness, startHarness, type TenantKeys } from './harness.js';

let h: Harness;
let a: TenantKeys;
let deviceId: string;
const scene = {
  frame: { width: 640, height: 480 },
  classes: ['person'],
  zones: [
    {
      id: 'hall',
      polygon: [
        [0, 0],
        [300, 0],
        [300, 200],
        [0, 200],
      ],
    },
    {
      id: 'till',
      kind: 'queue',
      polygon: [
        [320, 0],
        [600, 0],
        [600, 300],
        [320, 300],
      ],
      servicePoint: [460, 20],
    },
  ],
  lines: [{ id: 'door', a: [0, 400], b: [640, 400], inFrom: 'right' }],
  thresholds: { trackHigh: 0.5, trackLow: 0.1 },
  calibration: { metersPerPixel: 0.02 },
};

beforeAll(async () => {
  h = await startHarness();
  a = await h.tenant('A');
  deviceId = (await h.control.createDevice(a.tenantId, { name: 'cam' })).deviceId;
});
afterAll(async () => h?.close());

describe('scenes API', () => {
  it('serves an empty version-0 scene before the first PUT', async () => {
    const res = await h.app.inject({ url: `/api/v1/devices/${deviceId}/scene`, headers: bearer(a.admin) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ tenantId: a.tenantId, deviceId, sceneId: deviceId, version: 0 });
  });

  it('stores a scene in KV, bumps the version on each PUT and announces it', async () => {
    const changes = h.nc.subscribe(subjects.controlChanged('scene', a.tenantId, deviceId), { max: 2 });
    const put = () =>
      h.app.inject({
        method: 'PUT',
        url: `/api/v1/devices/${deviceId}/scene`,
        headers: bearer(a.admin),
        payload: scene,
      });
    const first = await put();
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ version: 1, tenantId: a.tenantId, deviceId });
    expect((await put()).json().version).toBe(2);
    const kv = await JsonBucket.open<Scene>(h.nc, buckets.scenes);
    expect(await kv.get(sceneKey(a.tenantId, deviceId))).toMatchObject({ version: 2, zones: scene.zones });
    let announced = 0;
    for await (const _ of changes) announced++;
    expect(announced).toBe(2);
    const read = await h.app.inject({ url: `/api/v1/devices/${deviceId}/scene`, headers: bearer(a.admin) });
    expect(read.json()).toMatchObject({ version: 2, lines: scene.lines, frame: scene.frame });
  });

  it('rejects bad geometry with a message naming the element, keeping the stored version', async () => {
    const bad = structuredClone(scene);
    bad.zones[1]!.polygon = [
      [320, 0],
      [600, 300],
      [600, 0],
      [320, 300],
    ];
    const res = await h.app.inject({
      method: 'PUT',
      url: `/api/v1/devices/${deviceId}/scene`,
      headers: bearer(a.admin),
      payload: bad,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/^zones\[1\]\.polygon: polygon crosses itself/);
    const twoPoints = {
      ...scene,
      zones: [
        {
          id: 'z',
          polygon: [
            [0, 0],
            [1, 1],
          ],
        },
      ],
    };
    const short = await h.app.inject({
      method: 'PUT',
      url: `/api/v1/devices/${deviceId}/scene`,
      headers: bearer(a.admin),
      payload: twoPoints,
    });
    expect(short.statusCode).toBe(400);
    const noFrame = await h.app.inject({
      method: 'PUT',
      url: `/api/v1/devices/${deviceId}/scene`,
      headers: bearer(a.admin),
      payload: { zones: [] },
    });
    expect(noFrame.statusCode).toBe(400);
    const read = await h.app.inject({ url: `/api/v1/devices/${deviceId}/scene`, headers: bearer(a.admin) });
    expect(read.json().version).toBe(2);
  });

  it("hides another tenant's scene and refuses to write it", async () => {
    const b = await h.tenant('B');
    for (const method of ['GET', 'PUT'] as const) {
      const res = await h.app.inject({
        method,
        url: `/api/v1/devices/${deviceId}/scene`,
        headers: bearer(b.admin),
        ...(method === 'PUT' ? { payload: scene } : {}),
      });
      expect(res.statusCode).toBe(404);
      expect(res.body).not.toContain('hall');
    }
  });

  it('deletes the scene with its device', async () => {
    const d = await h.control.createDevice(a.tenantId, { name: 'gone' });
    await h.app.inject({
      method: 'PUT',
      url: `/api/v1/devices/${d.deviceId}/scene`,
      headers: bearer(a.admin),
      payload: scene,
    });
    await h.app.inject({ method: 'DELETE', url: `/api/v1/devices/${d.deviceId}`, headers: bearer(a.admin) });
    const kv = await JsonBucket.open<Scene>(h.nc, buckets.scenes);
    expect(await kv.get(sceneKey(a.tenantId, d.deviceId))).toBeUndefined();
  });
});
