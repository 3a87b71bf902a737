import { startNats, type TestNats, waitFor } from '@sightline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addKey,
  analysisResult,
  publishAnalysis,
  type RunningGateway,
  seedTenant,
  startGateway,
  type Tenant,
} from '../support/gateway.js';
import { metricValue } from '../support/metrics.js';
import { FetchSse } from '../support/sse-reader.js';

// Slots expire quickly here so a crashed replica's connections free up within the test.
const env = { SLOT_TTL_MS: '1500', SLOT_REFRESH_MS: '200' };
let nats: TestNats;
let a: RunningGateway;
let b: RunningGateway;
let tenant: Tenant;
const clients: FetchSse[] = [];

const auth = (key: string) => ({ Authorization: `Bearer ${key}` });
async function open(gw: RunningGateway, path: string, headers: Record<string, string>): Promise<FetchSse> {
  const client = await FetchSse.open(`${gw.url}${path}`, headers);
  clients.push(client);
  return client;
}

beforeAll(async () => {
  nats = await startNats();
  a = await startGateway(nats.url, env);
  b = await startGateway(nats.url, env);
  tenant = await seedTenant(a.runtime, { devices: 1, owner: 'limited@example.com' });
});

afterAll(async () => {
  for (const c of clients) c.close();
  await b?.stop();
  await a?.stop().catch(() => undefined);
  await nats?.stop();
});

describe('10 SSE connections per user across replicas', () => {
  it('refuses the 11th on either replica, frees a slot on close, and frees a crashed replica’s slots', async () => {
    const path = `/api/v1/devices/${tenant.deviceIds[0]}/analysis/stream`;
    const onA: FetchSse[] = [];
    for (let i = 0; i < 5; i++) onA.push(await open(a, path, auth(tenant.key)));
    for (let i = 0; i < 5; i++) await open(b, path, auth(tenant.key));
    expect(clients.map((c) => c.response.status)).toEqual(Array(10).fill(200));

    for (const gw of [a, b]) {
      const refused = await fetch(`${gw.url}${path}`, { headers: auth(tenant.key) });
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('5');
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('too_many_requests');
    }
    // Another user of the same tenant has their own 10.
    const colleague = await addKey(a.runtime, tenant.tenantId, ['analytics:read'], 'colleague@example.com');
    expect((await open(b, path, auth(colleague))).response.status).toBe(200);

    onA[0]!.close();
    const reopened = await waitFor(
      async () => {
        const c = await open(b, path, auth(tenant.key));
        return c.response.status === 200 ? c : undefined;
      },
      { what: 'a freed slot', intervalMs: 100 },
    );
    expect(reopened.response.status).toBe(200);

    // Replica A dies holding 4 slots; they expire and B hands them out again.
    await a.crash();
    for (let i = 0; i < 4; i++) {
      const c = await waitFor(
        async () => {
          const attempt = await open(b, path, auth(tenant.key));
          return attempt.response.status === 200 ? attempt : undefined;
        },
        { what: `expired slot ${i}`, intervalMs: 200, timeoutMs: 10_000 },
      );
      expect(c.response.status).toBe(200);
    }
    expect((await fetch(`${b.url}${path}`, { headers: auth(tenant.key) })).status).toBe(429);
    expect(
      await metricValue(b.runtime.registry, 'sightline_stream_gateway_rejected_total', {
        reason: 'user_limit',
      }),
    ).toBeGreaterThan(0);
  });
});

describe('stream tickets', () => {
  it('lets a header-less client in once with ?ticket=', async () => {
    const key = await addKey(b.runtime, tenant.tenantId, ['device:read'], 'browser@example.com');
    expect((await fetch(`${b.url}/api/v1/stream-tickets`, { method: 'POST' })).status).toBe(401);
    const res = await fetch(`${b.url}/api/v1/stream-tickets`, { method: 'POST', headers: auth(key) });
    expect(res.status).toBe(201);
    const { ticket, expiresAt } = (await res.json()) as { ticket: string; expiresAt: number };
    expect(ticket).toMatch(/^st_/);
    expect(expiresAt).toBeGreaterThan(Date.now());

    const path = `/api/v1/devices/${tenant.deviceIds[0]}/analysis/stream`;
    const first = await open(b, `${path}?ticket=${ticket}`, {});
    expect(first.response.status).toBe(200);
    const again = await fetch(`${b.url}${path}?ticket=${ticket}`);
    expect(again.status).toBe(401);
    expect((await fetch(`${b.url}${path}?ticket=st_${'x'.repeat(43)}`)).status).toBe(401);
    // A ticket cannot mint another ticket.
    expect((await fetch(`${b.url}/api/v1/stream-tickets?ticket=${ticket}`, { method: 'POST' })).status).toBe(
      401,
    );
  });
});

describe('idle timeout (shortened clock)', () => {
  it('closes a connection with no event written for SSE_IDLE_TIMEOUT_MS; heartbeats do not count', async () => {
    const gw = await startGateway(nats.url, { SSE_IDLE_TIMEOUT_MS: '1000', SSE_HEARTBEAT_MS: '100' });
    try {
      const t = await seedTenant(gw.runtime, { devices: 2 });
      const [quiet, busy] = t.deviceIds as [string, string];
      const idleClient = await open(gw, `/api/v1/devices/${quiet}/analysis/stream`, auth(t.key));
      const busyClient = await open(gw, `/api/v1/devices/${busy}/analysis/stream`, auth(t.key));
      let published = 0;
      // Events keep the busy stream active while the quiet one only gets heartbeats.
      await waitFor(
        async () => {
          await publishAnalysis(gw.runtime, t.tenantId, analysisResult(busy));
          published++;
          await new Promise((r) => setTimeout(r, 100));
          return idleClient.ended;
        },
        { what: 'the idle stream to close', timeoutMs: 15_000, intervalMs: 0 },
      );
      expect(idleClient.blocks.filter((b) => b.comment === 'heartbeat').length).toBeGreaterThan(0);
      expect(idleClient.blocks.at(-1)).toEqual({ event: 'disconnect', data: '{"reason":"idle_timeout"}' });
      await waitFor(() => busyClient.events.length >= published, { what: 'busy events' });
      expect(busyClient.ended).toBe(false);
      expect(busyClient.events.every((e) => e.event === 'analysis_result')).toBe(true);
      expect(
        await metricValue(gw.runtime.registry, 'sightline_stream_gateway_disconnects_total', {
          reason: 'idle_timeout',
        }),
      ).toBe(1);
    } finally {
      await gw.stop();
    }
  });
});
