import { readFileSync } from 'node:fs';
import { WebSessions } from '@sightline/auth';
import { dataPath, waitFor } from '@sightline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createTenant, type IngestUnderTest, startIngest, type TenantFixture } from './harness.js';

const dog = readFileSync(dataPath('images', 'darknet_dog.jpg'));
const OTHER_ORIGIN = 'https://ops.example.com';
/** The cookie's name where SESSION_COOKIE_SECURE is true (the default). */
const COOKIE_NAME = '__Host-sl_session';

let ingest: IngestUnderTest;
let sessions: WebSessions;
let tenant: TenantFixture;
let cookie: { cookie: string };
const logLines: string[] = [];
/** Every session id made here, to look for in the logs at the end. */
const sessionIds: string[] = [];

/** The gateway opens sessions (POST /api/v1/sessions); ingest only reads them, so open one as it would. */
async function openSession(key: string): Promise<{ cookie: string }> {
  const principal = await ingest.control.verifyApiKey(key);
  const { sessionId } = await sessions.create(principal!, 60_000);
  sessionIds.push(sessionId);
  return { cookie: `${COOKIE_NAME}=${sessionId}` };
}

beforeAll(async () => {
  ingest = await startIngest({ PACING: 'off', CORS_ORIGINS: OTHER_ORIGIN }, undefined, logLines);
  sessions = await WebSessions.open(ingest.runtime.nc);
  tenant = await createTenant(ingest.control, { scopes: ['frames:write', 'device:read'] });
  cookie = await openSession(tenant.key);
});

afterAll(async () => ingest?.stop());

const health = (deviceId: string, headers: Record<string, string>) =>
  fetch(`${ingest.url}/api/v1/devices/${deviceId}/health`, { headers });

const postFrame = (headers: Record<string, string>) =>
  fetch(`${ingest.url}/api/v1/devices/${tenant.deviceId}/frames`, {
    method: 'POST',
    headers: { 'content-type': 'image/jpeg', ...headers },
    body: dog,
  });

async function expectJsonError(res: Response, status: number, code: string): Promise<void> {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
}

/** The upgrade's answer: 'open' once the socket is up, else the HTTP status that refused it. */
function upgrade(headers: Record<string, string>, origin?: string): Promise<number | 'open'> {
  const url = `${ingest.url.replace('http', 'ws')}/api/v1/devices/${tenant.deviceId}/frames/ws`;
  const ws = new WebSocket(url, { headers, ...(origin ? { origin } : {}) });
  return new Promise((resolve, reject) => {
    ws.once('message', (data) => {
      ws.close();
      if ((JSON.parse(String(data)) as { type?: string }).type === 'ready') resolve('open');
      else reject(new Error(`not ready: ${String(data)}`));
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

describe("the dashboard's cookie session at ingest", () => {
  it("serves the device's health with the cookie alone", async () => {
    expect((await postFrame({ authorization: `Bearer ${tenant.key}` })).status).toBe(202);
    const res = await health(tenant.deviceId, cookie);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ deviceId: tenant.deviceId, source: 'http' });
  });

  it("acts as its key's tenant: another tenant's device is a 404", async () => {
    const other = await createTenant(ingest.control, { scopes: ['device:read'] });
    await expectJsonError(await health(other.deviceId, cookie), 404, 'not_found');
  });

  it('answers garbage, unknown and empty cookies with a JSON 401, never a 500', async () => {
    for (const value of ['garbage', `ss_${'A'.repeat(43)}`, '', '"quoted"', 'x'.repeat(4000)]) {
      const headers = { cookie: `${COOKIE_NAME}=${value}` };
      await expectJsonError(await health(tenant.deviceId, headers), 401, 'unauthorized');
    }
  });

  it('takes a frame by cookie only from its own origin or CORS_ORIGINS, else a JSON 403', async () => {
    await expectJsonError(await postFrame(cookie), 403, 'forbidden');
    await expectJsonError(await postFrame({ ...cookie, origin: 'https://evil.example' }), 403, 'forbidden');
    expect((await postFrame({ ...cookie, origin: ingest.url })).status).toBe(202);
    expect((await postFrame({ ...cookie, origin: OTHER_ORIGIN })).status).toBe(202);
  });

  it('lets a header key win over any cookie, with no Origin needed (cameras)', async () => {
    const headers = { authorization: `Bearer ${tenant.key}`, cookie: `${COOKIE_NAME}=garbage` };
    expect((await postFrame(headers)).status).toBe(202);
  });

  it('opens the frames WebSocket by cookie only with an allowed Origin', async () => {
    expect(await upgrade(cookie)).toBe(403);
    expect(await upgrade(cookie, 'https://evil.example')).toBe(403);
    expect(await upgrade({ cookie: `${COOKIE_NAME}=garbage` }, ingest.url)).toBe(401);
    expect(await upgrade(cookie, ingest.url)).toBe('open');
  });

  it('refuses the session once its key is revoked', async () => {
    const { key, record } = await ingest.control.createApiKey({
      tenantId: tenant.tenantId,
      owner: 'revoked@example.com',
      scopes: ['device:read'],
    });
    const revocable = await openSession(key);
    expect((await health(tenant.deviceId, revocable)).status).toBe(200);
    expect(await ingest.control.revokeApiKey(tenant.tenantId, record.keyId)).toBe(true);
    // Ingest trusts a checked key for its short key cache, then asks KV again.
    await waitFor(async () => (await health(tenant.deviceId, revocable)).status === 401, {
      what: 'revocation reaching the session',
    });
    await expectJsonError(await health(tenant.deviceId, revocable), 401, 'unauthorized');
  });

  it('never logs a session id', () => {
    expect(logLines.length).toBeGreaterThan(0);
    const all = logLines.join('\n');
    for (const id of sessionIds) expect(all).not.toContain(id);
  });
});
