import { readFileSync } from 'node:fs';
import type { NatsConnection } from '@sightline/nats';
import { dataPath, type RunningStack, waitFor } from '@sightline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type Bus, makeTenant, openBus, readSse, startServices, type TenantFixture } from './support.js';

/**
 * Tenant A's keys (all scopes) against tenant B's resources on every public surface: ingest,
 * REST, SSE (and its replay ids), WebSocket, labels, filters and chat. Each answer must look
 * exactly like a resource that does not exist, and carry none of B's data.
 */
let bus: Bus;
let nc: NatsConnection;
let stack: RunningStack;
let a: TenantFixture;
let b: TenantFixture;
let bChatId: string;
const jpeg = readFileSync(dataPath('images', 'darknet_person.jpg'));

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const json = (key: string) => ({ ...bearer(key), 'content-type': 'application/json' });

beforeAll(async () => {
  bus = await openBus('e2e-isolation');
  nc = bus.nc;
  a = await makeTenant(nc, 'alice');
  b = await makeTenant(nc, 'bob');
  stack = await startServices(bus, 'warn');
  const gateway = stack.urls['stream-gateway'];
  // B's device gets a label, a frame and an analysis; B opens a chat.
  await fetch(`${gateway}/api/v1/devices/${b.deviceId}`, {
    method: 'PATCH',
    headers: json(b.keys.all),
    body: JSON.stringify({ labels: ['secret-site'] }),
  });
  const posted = await fetch(`${stack.urls.ingest}/api/v1/devices/${b.deviceId}/frames`, {
    method: 'POST',
    headers: { ...bearer(b.keys.all), 'content-type': 'image/jpeg' },
    body: jpeg,
  });
  expect(posted.status).toBe(202);
  const chat = await fetch(`${stack.urls['chat-llm']}/chats`, {
    method: 'POST',
    headers: json(b.keys.all),
    body: '{}',
  });
  bChatId = ((await chat.json()) as { chatId: string }).chatId;
  // Wait until B's frame is analysed, so there is B data that could leak.
  await waitFor(
    async () => {
      const res = await fetch(
        `${gateway}/api/v1/devices/${b.deviceId}/analysis/stream?lastEventId=${b.deviceId}-0`,
        {
          headers: bearer(b.keys.all),
        },
      );
      const events = await readSse(res, (evs) => evs.length > 0, 3000);
      return events.some((e) => e.event === 'analysis_result');
    },
    { timeoutMs: 60_000, intervalMs: 500, what: "B's first analysis" },
  );
});

afterAll(async () => {
  await stack?.stop();
  await bus?.close();
});

interface HttpCase {
  name: string;
  request: () => Promise<Response>;
}

function httpCases(): HttpCase[] {
  const g = stack.urls['stream-gateway'];
  const i = stack.urls.ingest;
  const c = stack.urls['chat-llm'];
  const key = a.keys.all;
  const B = b.deviceId;
  return [
    {
      name: 'ingest raw frame',
      request: () =>
        fetch(`${i}/api/v1/devices/${B}/frames`, {
          method: 'POST',
          headers: { ...bearer(key), 'content-type': 'image/jpeg' },
          body: jpeg,
        }),
    },
    {
      name: 'ingest seed 002 JSON',
      request: () =>
        fetch(`${i}/api/v1/actions/actions/send`, {
          method: 'POST',
          headers: json(key),
          body: JSON.stringify({ frame: jpeg.toString('base64'), camera_id: B, timestamp: Date.now() }),
        }),
    },
    {
      name: 'ingest edge webhook',
      request: () =>
        fetch(`${i}/api/webhook`, {
          method: 'POST',
          headers: json(key),
          body: JSON.stringify({ deviceId: B, timestamp: Date.now(), detections: [] }),
        }),
    },
    {
      name: 'ingest camera health',
      request: () => fetch(`${i}/api/v1/devices/${B}/health`, { headers: bearer(key) }),
    },
    { name: 'REST device', request: () => fetch(`${g}/api/v1/devices/${B}`, { headers: bearer(key) }) },
    {
      name: 'REST device update',
      request: () =>
        fetch(`${g}/api/v1/devices/${B}`, {
          method: 'PATCH',
          headers: json(key),
          body: JSON.stringify({ name: 'mine now' }),
        }),
    },
    {
      name: 'REST device delete',
      request: () => fetch(`${g}/api/v1/devices/${B}`, { method: 'DELETE', headers: bearer(key) }),
    },
    { name: 'REST scene', request: () => fetch(`${g}/api/v1/devices/${B}/scene`, { headers: bearer(key) }) },
    {
      name: 'REST metrics',
      request: () => fetch(`${g}/api/v1/devices/${B}/metrics`, { headers: bearer(key) }),
    },
    {
      name: 'REST heatmap',
      request: () => fetch(`${g}/api/v1/devices/${B}/heatmap`, { headers: bearer(key) }),
    },
    {
      name: 'REST health',
      request: () => fetch(`${g}/api/v1/devices/${B}/health`, { headers: bearer(key) }),
    },
    {
      name: 'SSE device stream',
      request: () => fetch(`${g}/api/v1/devices/${B}/analysis/stream`, { headers: bearer(key) }),
    },
    {
      name: 'SSE device stream resumed with B ids',
      request: () =>
        fetch(`${g}/api/v1/devices/${B}/analysis/stream`, {
          headers: { ...bearer(key), 'last-event-id': `${B}-0` },
        }),
    },
    { name: 'chat history', request: () => fetch(`${c}/chats/${bChatId}`, { headers: bearer(key) }) },
    {
      name: 'chat message',
      request: () =>
        fetch(`${c}/chats/${bChatId}/messages`, {
          method: 'POST',
          headers: json(key),
          body: JSON.stringify({ prompt: 'how many people now?' }),
        }),
    },
    {
      name: 'chat delete',
      request: () => fetch(`${c}/chats/${bChatId}`, { method: 'DELETE', headers: bearer(key) }),
    },
    {
      name: 'chat scoped to B device',
      request: () =>
        fetch(`${c}/chats`, { method: 'POST', headers: json(key), body: JSON.stringify({ deviceIds: [B] }) }),
    },
  ];
}

describe("tenant A's keys on tenant B's resources", () => {
  it('every HTTP surface answers 404, like a resource that does not exist, with none of B’s data', async () => {
    const failures: string[] = [];
    for (const { name, request } of httpCases()) {
      const res = await request();
      const body = await res.text();
      if (res.status !== 404) failures.push(`${name}: ${res.status} ${body.slice(0, 120)}`);
      else if (JSON.parse(body).error?.code !== 'not_found')
        failures.push(`${name}: body ${body.slice(0, 120)}`);
      for (const secret of [b.tenantId, b.deviceName, 'secret-site']) {
        if (body.includes(secret)) failures.push(`${name}: leaks ${secret}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it("B's device still exists, unchanged, after A's attempts", async () => {
    const res = await fetch(`${stack.urls['stream-gateway']}/api/v1/devices/${b.deviceId}`, {
      headers: bearer(b.keys.all),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { name: string }).name).toBe(b.deviceName);
  });

  it("A's /all stream, resumed with B's position id, is refused and never replays B's events", async () => {
    const g = stack.urls['stream-gateway'];
    const foreign = await fetch(`${g}/api/v1/devices/analysis/stream/all?lastEventId=${b.tenantId}-0`, {
      headers: bearer(a.keys.all),
    });
    expect(foreign.status).toBe(400);
    const own = await fetch(`${g}/api/v1/devices/analysis/stream/all?lastEventId=${a.tenantId}-0`, {
      headers: bearer(a.keys.all),
    });
    expect(own.status).toBe(200);
    const events = await readSse(own, () => false, 1500);
    expect(events.filter((e) => e.data.includes(b.deviceId))).toEqual([]);
  });

  it('labels list only the caller’s own, and B’s label and camera sockets are closed with 4404', async () => {
    const g = stack.urls['stream-gateway'];
    const labels = (await (await fetch(`${g}/api/labels`, { headers: bearer(a.keys.all) })).json()) as {
      labels: string[];
    };
    expect(labels.labels).not.toContain('secret-site');
    const ws = g.replace('http', 'ws');
    for (const path of [
      `/ws/stream/${b.deviceId}`,
      '/api/ws/labels/secret-site',
      `/api/ws/stream/secret-site/${b.deviceId}`,
      `/ws/events?stream_id=${b.deviceId}`,
    ]) {
      const outcome = await new Promise<{ code: number; messages: string[] }>((resolve) => {
        const messages: string[] = [];
        const socket = new WebSocket(`${ws}${path}`, { headers: bearer(a.keys.all) });
        socket.on('message', (m) => messages.push(m.toString()));
        socket.on('close', (code) => resolve({ code, messages }));
        socket.on('unexpected-response', (_req, res) => resolve({ code: res.statusCode ?? 0, messages }));
        setTimeout(() => socket.terminate(), 5000);
      });
      expect([4404, 404], path).toContain(outcome.code);
      expect(outcome.messages.join('')).not.toContain(b.tenantId);
    }
  });

  it('the frames WebSocket of ingest refuses B’s device', async () => {
    const ws = stack.urls.ingest.replace('http', 'ws');
    const outcome = await new Promise<{ code: number; text: string }>((resolve) => {
      let text = '';
      const socket = new WebSocket(`${ws}/api/v1/devices/${b.deviceId}/frames/ws`, {
        headers: bearer(a.keys.all),
      });
      socket.on('message', (m) => {
        text += m.toString();
      });
      socket.on('close', (code) => resolve({ code, text }));
      socket.on('unexpected-response', (_req, res) => resolve({ code: res.statusCode ?? 0, text }));
      setTimeout(() => socket.terminate(), 5000);
    });
    expect(outcome.text.includes('"type":"ready"')).toBe(false);
    expect([404, 1008, 4404]).toContain(outcome.code);
  });

  it("A's chat asked about B's camera by name answers without B's numbers", async () => {
    const c = stack.urls['chat-llm'];
    const chat = await fetch(`${c}/chats`, { method: 'POST', headers: json(a.keys.all), body: '{}' });
    const { chatId } = (await chat.json()) as { chatId: string };
    const answer = await fetch(`${c}/chats/${chatId}/messages`, {
      method: 'POST',
      headers: json(a.keys.all),
      body: JSON.stringify({ prompt: `How many people are in front of camera ${b.deviceName} now?` }),
    });
    const events = await readSse(answer, (evs) => evs.some((e) => JSON.parse(e.data).type !== 'chunk'));
    const text = events
      .map((e) => (JSON.parse(e.data) as { text?: string; message?: string }).text ?? '')
      .join('');
    expect(text).not.toContain(b.deviceId);
    expect(text.toLowerCase()).not.toContain(b.deviceName.toLowerCase());
  });
});
