import { readFileSync } from 'node:fs';
import { ControlPlane } from '@sightline/auth';
import { type FrameData, subjects } from '@sightline/contracts';
import { dataPath, startNats, type TestNats, waitFor } from '@sightline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cookieHeader, type SetCookie, setCookieOf } from '../support/cookies.js';
import {
  addKey,
  analysisResult,
  publishAnalysis,
  type RunningGateway,
  seedTenant,
  startGateway,
  type Tenant,
} from '../support/gateway.js';
import { FetchSse } from '../support/sse-reader.js';
import { WsClient } from '../support/ws-client.js';

let nats: TestNats;
let gw: RunningGateway;
/** A second replica on the same NATS: sessions live in KV, so it accepts the first one's cookies. */
let replica: RunningGateway;
let tenant: Tenant;
const logLines: string[] = [];
const sessionIds: string[] = [];
const apiKeys: string[] = [];
const streams: FetchSse[] = [];
const sockets: WsClient[] = [];
const trustedOrigin = 'https://ops.example.com';
const jpeg = readFileSync(dataPath('images', 'darknet_dog.jpg')).toString('base64');

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

/** POST /api/v1/sessions with a key, as the dashboard's sign-in does. */
async function openSession(key: string, base = gw.url): Promise<{ res: Response; cookie: SetCookie }> {
  const res = await fetch(`${base}/api/v1/sessions`, {
    method: 'POST',
    headers: { ...bearer(key), 'content-type': 'application/json' },
    body: '{}',
  });
  expect(res.status).toBe(201);
  const cookie = setCookieOf(res);
  sessionIds.push(cookie.value);
  return { res, cookie };
}

function sse(url: string, headers: Record<string, string>): Promise<FetchSse> {
  return FetchSse.open(url, headers).then((client) => {
    streams.push(client);
    return client;
  });
}

function socket(base: string, path: string, headers: Record<string, string>): WsClient {
  const client = new WsClient(`${base.replace('http', 'ws')}${path}`, { headers });
  sockets.push(client);
  return client;
}

async function expectJsonError(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toContain('application/json');
  expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
}

beforeAll(async () => {
  nats = await startNats();
  const env = { CORS_ORIGINS: trustedOrigin };
  gw = await startGateway(nats.url, env, 0, logLines);
  replica = await startGateway(nats.url, env, 0, logLines);
  tenant = await seedTenant(gw.runtime, {
    devices: 1,
    scopes: ['device:read', 'device:write', 'analytics:read'],
  });
  apiKeys.push(tenant.key);
});

afterAll(async () => {
  for (const client of streams) client.close();
  for (const client of sockets) client.close();
  await replica?.stop();
  await gw?.stop();
  await nats?.stop();
});

describe('POST /api/v1/sessions', () => {
  it('sets an HttpOnly, SameSite=Strict, Secure __Host- cookie holding an opaque id, not the key', async () => {
    const { res, cookie } = await openSession(tenant.key);
    expect(cookie.name).toBe('__Host-sl_session');
    expect(cookie.value).toMatch(/^ss_[A-Za-z0-9_-]{43}$/);
    expect(cookie.value).not.toContain(tenant.key);
    expect(cookie.attributes).toEqual({
      httponly: true,
      samesite: 'Strict',
      path: '/',
      'max-age': String(8 * 3600),
      secure: true,
    });
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ tenantId: tenant.tenantId, owner: 'user@example.com' });
    expect(body.scopes).toEqual(['device:read', 'device:write', 'analytics:read']);
    expect(JSON.stringify(body)).not.toContain(cookie.value);

    const current = await fetch(`${gw.url}/api/v1/sessions/current`, { headers: cookieHeader(cookie) });
    expect(current.status).toBe(200);
    expect(await current.json()).toEqual(body);
  });

  it('needs a key in the header: no key, a bad key, or only a cookie is a JSON 401; bad input a 400', async () => {
    const { cookie } = await openSession(tenant.key);
    const post = (headers: Record<string, string>, body?: string) =>
      fetch(`${gw.url}/api/v1/sessions`, { method: 'POST', headers, ...(body ? { body } : {}) });
    await expectJsonError(await post({}), 401, 'unauthorized');
    await expectJsonError(await post(bearer(`sl_${'0'.repeat(16)}_${'x'.repeat(43)}`)), 401, 'unauthorized');
    await expectJsonError(await post({ ...cookieHeader(cookie), origin: gw.url }), 401, 'unauthorized');
    const json = { ...bearer(tenant.key), 'content-type': 'application/json' };
    await expectJsonError(await post(json, '{"tenantId":"other"}'), 400, 'bad_request');
    await expectJsonError(await post(json, '[1'), 400, 'bad_request');
    // No body at all is fine too.
    expect((await post(bearer(tenant.key))).status).toBe(201);
  });

  it('plain-http local stacks: SESSION_COOKIE_SECURE=false drops Secure and the __Host- prefix', async () => {
    const local = await startGateway(nats.url, { SESSION_COOKIE_SECURE: 'false', SESSION_TTL_MS: '600000' });
    try {
      const res = await fetch(`${local.url}/api/v1/sessions`, {
        method: 'POST',
        headers: bearer(tenant.key),
      });
      const cookie = setCookieOf(res);
      sessionIds.push(cookie.value);
      expect(cookie.name).toBe('sl_session');
      expect(cookie.attributes).toEqual({ httponly: true, samesite: 'Strict', path: '/', 'max-age': '600' });
    } finally {
      await local.stop();
    }
  });
});

describe('the cookie instead of a header or ticket', () => {
  it('streams analysis_result over SSE with only the cookie, on either replica', async () => {
    const { cookie } = await openSession(tenant.key);
    const deviceId = tenant.deviceIds[0]!;
    const onFirst = await sse(`${gw.url}/api/v1/devices/${deviceId}/analysis/stream`, cookieHeader(cookie));
    const onReplica = await sse(`${replica.url}/api/v1/devices/analysis/stream/all`, cookieHeader(cookie));
    expect([onFirst.response.status, onReplica.response.status]).toEqual([200, 200]);
    await waitFor(
      async () => {
        // A new result each time (its frameId is the Nats-Msg-Id): the hubs may not be up for the first.
        await publishAnalysis(gw.runtime, tenant.tenantId, analysisResult(deviceId));
        return [onFirst, onReplica].every((c) => c.events.some((e) => e.event === 'analysis_result'));
      },
      { what: 'analysis_result on both replicas', intervalMs: 200 },
    );
    const received = JSON.parse(onFirst.events.find((e) => e.event === 'analysis_result')!.data!);
    expect(received.deviceId).toBe(deviceId);
  });

  it('opens WebSockets with the cookie from an allowed Origin, and refuses a foreign or missing Origin', async () => {
    const { cookie } = await openSession(tenant.key);
    const camera = tenant.deviceIds[0]!;
    const path = `/ws/stream/${camera}`;
    const own = socket(gw.url, path, { ...cookieHeader(cookie), origin: gw.url });
    const trusted = socket(replica.url, path, { ...cookieHeader(cookie), origin: trustedOrigin });
    const foreign = socket(gw.url, path, { ...cookieHeader(cookie), origin: 'https://evil.example' });
    const noOrigin = socket(gw.url, path, cookieHeader(cookie));
    const garbage = socket(gw.url, path, { cookie: '__Host-sl_session=garbage', origin: gw.url });
    expect(
      await Promise.all([own.opened, trusted.opened, foreign.opened, noOrigin.opened, garbage.opened]),
    ).toEqual([true, true, false, false, false]);
    expect([foreign.refusedWith, noOrigin.refusedWith, garbage.refusedWith]).toEqual([403, 403, 401]);

    const frame: FrameData = { frame: jpeg, timestamp: Date.now(), camera_id: camera, detections: [] };
    await waitFor(
      async () => {
        gw.runtime.nc.publish(subjects.live(tenant.tenantId, camera), JSON.stringify(frame));
        await gw.runtime.nc.flush();
        return own.messages.length > 0 && trusted.messages.length > 0;
      },
      { what: 'a live frame on both cookie sockets', intervalMs: 200 },
    );
    expect((own.messages[0] as FrameData).camera_id).toBe(camera);
  });

  it('serves REST reads with the cookie, on any replica', async () => {
    const { cookie } = await openSession(tenant.key);
    for (const base of [gw.url, replica.url]) {
      const res = await fetch(`${base}/api/v1/devices`, { headers: cookieHeader(cookie) });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { items: unknown[] }).items).toHaveLength(1);
      expect((await fetch(`${base}/api/labels`, { headers: cookieHeader(cookie) })).status).toBe(200);
    }
  });
});

describe('CSRF: state-changing requests with only the cookie', () => {
  const createDevice = (cookie: SetCookie, headers: Record<string, string>) =>
    fetch(`${gw.url}/api/v1/devices`, {
      method: 'POST',
      headers: { ...cookieHeader(cookie), 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ name: 'made by cookie' }),
    });

  it('refuses a cross-origin or Origin-less POST with a JSON 403, and accepts its own origin and CORS_ORIGINS', async () => {
    const { cookie } = await openSession(tenant.key);
    await expectJsonError(await createDevice(cookie, { origin: 'https://evil.example' }), 403, 'forbidden');
    await expectJsonError(await createDevice(cookie, { origin: 'null' }), 403, 'forbidden');
    await expectJsonError(await createDevice(cookie, {}), 403, 'forbidden');
    expect((await createDevice(cookie, { origin: gw.url })).status).toBe(201);
    expect((await createDevice(cookie, { origin: trustedOrigin })).status).toBe(201);
    // A header key needs no Origin: no page can add one to a cross-site request.
    const byKey = await fetch(`${gw.url}/api/v1/devices`, {
      method: 'POST',
      headers: { ...bearer(tenant.key), 'content-type': 'application/json', origin: 'https://evil.example' },
      body: JSON.stringify({ name: 'made by key' }),
    });
    expect(byKey.status).toBe(201);
  });

  it('refuses a cross-origin logout, which leaves the session working', async () => {
    const { cookie } = await openSession(tenant.key);
    const res = await fetch(`${gw.url}/api/v1/sessions/current`, {
      method: 'DELETE',
      headers: { ...cookieHeader(cookie), origin: 'https://evil.example' },
    });
    await expectJsonError(res, 403, 'forbidden');
    expect((await fetch(`${gw.url}/api/v1/sessions/current`, { headers: cookieHeader(cookie) })).status).toBe(
      200,
    );
  });
});

describe('ending sessions', () => {
  it('logs out on every replica: DELETE clears the cookie, then the old cookie is a JSON 401', async () => {
    const { cookie } = await openSession(tenant.key);
    const res = await fetch(`${gw.url}/api/v1/sessions/current`, {
      method: 'DELETE',
      headers: { ...cookieHeader(cookie), origin: gw.url },
    });
    expect(res.status).toBe(204);
    const cleared = setCookieOf(res);
    expect(cleared).toMatchObject({ name: cookie.name, value: '' });
    expect(cleared.attributes['max-age']).toBe('0');
    const stream = `/api/v1/devices/${tenant.deviceIds[0]}/analysis/stream`;
    for (const base of [gw.url, replica.url]) {
      await expectJsonError(
        await fetch(`${base}${stream}`, { headers: cookieHeader(cookie) }),
        401,
        'unauthorized',
      );
      await expectJsonError(
        await fetch(`${base}/api/v1/sessions/current`, { headers: cookieHeader(cookie) }),
        401,
        'unauthorized',
      );
    }
  });

  it('refuses the session once its key is revoked', async () => {
    const key = await addKey(gw.runtime, tenant.tenantId, ['device:read']);
    apiKeys.push(key);
    const { res, cookie } = await openSession(key);
    const { keyId } = (await res.json()) as { keyId: string };
    const devices = () => fetch(`${replica.url}/api/v1/devices`, { headers: cookieHeader(cookie) });
    expect((await devices()).status).toBe(200);
    const control = await ControlPlane.open(gw.runtime.nc);
    expect(await control.revokeApiKey(tenant.tenantId, keyId)).toBe(true);
    // Each replica trusts a checked key for its short key cache, then asks KV again.
    await waitFor(async () => (await devices()).status === 401, { what: 'revocation reaching the session' });
    await expectJsonError(await devices(), 401, 'unauthorized');
  });

  it('ends with its key: the cookie lives no longer than the key, and is refused after it expired', async () => {
    const control = await ControlPlane.open(gw.runtime.nc);
    const { key } = await control.createApiKey({
      tenantId: tenant.tenantId,
      owner: 'short@example.com',
      scopes: ['device:read'],
      ttlMs: 1500,
    });
    apiKeys.push(key);
    const { cookie } = await openSession(key);
    expect(Number(cookie.attributes['max-age'])).toBeLessThanOrEqual(2);
    const current = () => fetch(`${gw.url}/api/v1/sessions/current`, { headers: cookieHeader(cookie) });
    await waitFor(async () => (await current()).status === 401, { what: 'the key to expire' });
  });

  it('answers garbage, unknown and misnamed cookies with a JSON 401, never a 500', async () => {
    const deviceId = tenant.deviceIds[0]!;
    const unknown = `ss_${'A'.repeat(43)}`;
    for (const value of ['garbage', unknown, '', '"quoted"', 'ss_%00%ff', 'x'.repeat(4000)]) {
      const headers = { cookie: `__Host-sl_session=${value}` };
      for (const path of [
        `/api/v1/devices/${deviceId}/analysis/stream`,
        '/api/v1/devices',
        '/api/v1/sessions/current',
        '/api/labels',
      ]) {
        await expectJsonError(await fetch(`${gw.url}${path}`, { headers }), 401, 'unauthorized');
      }
    }
    // Only the configured name counts: the prefix-less name of plain-http stacks is ignored here.
    const { cookie } = await openSession(tenant.key);
    const misnamed = { cookie: `sl_session=${cookie.value}` };
    await expectJsonError(
      await fetch(`${gw.url}/api/v1/devices`, { headers: misnamed }),
      401,
      'unauthorized',
    );
  });
});

describe('logs', () => {
  it('never contain a session id or an API key', () => {
    expect(logLines.length).toBeGreaterThan(0);
    expect(sessionIds.length).toBeGreaterThan(5);
    const all = logLines.join('\n');
    for (const id of sessionIds) expect(all).not.toContain(id);
    for (const key of apiKeys) expect(all).not.toContain(key);
  });
});
