import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jetstream } from '@sightline/nats';
import { waitFor } from '@sightline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySignature } from '../../src/control/webhooks/signature.js';
import { webhookUrlProblem } from '../../src/control/webhooks/url-policy.js';
import { alertEvent, publishEvent } from './fixtures.js';
import { bearer, type Harness, startHarness, type TenantKeys } from './harness.js';

interface Received {
  path: string;
  body: string;
  signature: string;
  eventId: string;
}

let h: Harness;
let a: TenantKeys;
let receiver: Server;
let base: string;
const received: Received[] = [];
const failuresLeft = new Map<string, number>([
  ['/flaky', 2],
  ['/down', Number.POSITIVE_INFINITY],
]);

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      const path = req.url ?? '';
      received.push({
        path,
        body,
        signature: String(req.headers['sightline-signature']),
        eventId: String(req.headers['sightline-event-id']),
      });
      const left = failuresLeft.get(path) ?? 0;
      failuresLeft.set(path, left - 1);
      res.statusCode = left > 0 ? 503 : 204;
      res.end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  h = await startHarness({ webhooks: { allowInsecureUrls: true, baseDelayMs: 20, maxAttempts: 4 } });
  a = await h.tenant('A');
});
afterAll(async () => {
  await h?.close();
  receiver?.close();
});

const register = async (path: string, analytics?: string[]) => {
  const res = await h.app.inject({
    method: 'POST',
    url: '/api/v1/webhooks',
    headers: bearer(a.admin),
    payload: { url: `${base}${path}`, ...(analytics ? { analytics } : {}) },
  });
  expect(res.statusCode).toBe(201);
  return res.json() as { webhookId: string; secret: string };
};

describe('outbound webhooks', () => {
  it('retries with backoff until the receiver accepts, with a valid signature each time', async () => {
    const flaky = await register('/flaky', ['SL-ALERT']);
    const down = await register('/down');
    const cam = await h.control.createDevice(a.tenantId, { name: 'cam' });
    const event = alertEvent(a.tenantId, cam.deviceId, {
      ruleId: 'q',
      severity: 'warning',
      state: 'firing',
      at: Date.now(),
    });
    await publishEvent(jetstream(h.nc), a.tenantId, cam.deviceId, event);

    const deliveries = async (id: string) =>
      (await h.app.inject({ url: `/api/v1/webhooks/${id}/deliveries`, headers: bearer(a.admin) })).json()
        .items;
    const [ok] = await waitFor(
      async () => {
        const items = await deliveries(flaky.webhookId);
        return items[0]?.state === 'delivered' ? items : undefined;
      },
      { what: 'flaky delivery' },
    );
    expect(ok).toMatchObject({ attempts: 3, lastStatus: 204, eventId: event.event_id });
    const [failed] = await waitFor(
      async () => {
        const items = await deliveries(down.webhookId);
        return items[0]?.state === 'failed' ? items : undefined;
      },
      { what: 'failed delivery' },
    );
    expect(failed).toMatchObject({ attempts: 4, lastStatus: 503 });

    const flakyCalls = received.filter((r) => r.path === '/flaky');
    expect(flakyCalls).toHaveLength(3);
    const now = Math.floor(Date.now() / 1000);
    for (const call of flakyCalls) {
      expect(verifySignature(flaky.secret, call.body, call.signature, now)).toBe(true);
      expect(verifySignature(down.secret, call.body, call.signature, now)).toBe(false);
      expect(call.eventId).toBe(event.event_id);
      expect(JSON.parse(call.body).event.event_id).toBe(event.event_id);
    }
    // A stale timestamp is refused even with the right secret: replay protection.
    expect(verifySignature(flaky.secret, flakyCalls[0]!.body, flakyCalls[0]!.signature, now + 3600)).toBe(
      false,
    );
    const metrics = await h.registry.metrics();
    expect(metrics).toMatch(/sightline_stream_gateway_webhook_attempts_total\{result="failed"[^}]*\} 6/);
  });

  it('never lists secrets and hides other tenants’ webhooks', async () => {
    const hook = await register('/quiet');
    const list = await h.app.inject({ url: '/api/v1/webhooks', headers: bearer(a.admin) });
    expect(list.body).toContain(hook.webhookId);
    expect(list.body).not.toContain(hook.secret);
    const b = await h.tenant('B');
    for (const url of [`/api/v1/webhooks/${hook.webhookId}/deliveries`]) {
      expect((await h.app.inject({ url, headers: bearer(b.admin) })).statusCode).toBe(404);
    }
    const del = await h.app.inject({
      method: 'DELETE',
      url: `/api/v1/webhooks/${hook.webhookId}`,
      headers: bearer(b.admin),
    });
    expect(del.statusCode).toBe(404);
    expect((await h.app.inject({ url: '/api/v1/webhooks', headers: bearer(b.admin) })).json().items).toEqual(
      [],
    );
  });

  it('refuses URLs that point inside the network in production mode', () => {
    expect(webhookUrlProblem('https://hooks.example.com/x', false)).toBeUndefined();
    expect(webhookUrlProblem('http://hooks.example.com/x', false)).toMatch(/https/);
    for (const u of [
      'https://127.0.0.1/',
      'https://10.0.0.5/',
      'https://169.254.169.254/latest',
      'https://[::1]/',
      'https://localhost/',
    ]) {
      expect(webhookUrlProblem(u, false)).toMatch(/not public/);
    }
    expect(webhookUrlProblem('https://user:pw@example.com/', false)).toMatch(/credentials/);
  });
});
