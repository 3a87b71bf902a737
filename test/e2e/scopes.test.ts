import { readFileSync } from 'node:fs';
import { ControlPlane } from '@sightline/auth';
import { type Scope, scopes } from '@sightline/contracts';
import type { NatsConnection } from '@sightline/nats';
import { dataPath, type RunningStack } from '@sightline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bus, openBus, startServices } from './support.js';

/**
 * Every public route of ingest, the gateway's streams and chat × every scope: allowed exactly
 * where each service's README documents it (admin everywhere), 403 elsewhere. The control-plane
 * REST routes have their own matrix in services/stream-gateway/test/control.
 */
let bus: Bus;
let nc: NatsConnection;
let stack: RunningStack;
let tenantId: string;
let deviceId: string;
const keyOf = {} as Record<Scope, string>;
const jpeg = readFileSync(dataPath('images', 'darknet_dog.jpg'));

beforeAll(async () => {
  bus = await openBus('e2e-scopes');
  nc = bus.nc;
  const control = await ControlPlane.open(nc);
  tenantId = (await control.createTenant('scopes')).tenantId;
  deviceId = (await control.createDevice(tenantId, { name: 'door', detectFps: 60, labels: ['hall'] }))
    .deviceId;
  for (const scope of scopes) {
    keyOf[scope] = (await control.createApiKey({ tenantId, owner: `owner-${scope}`, scopes: [scope] })).key;
  }
  stack = await startServices(bus, 'warn');
});

afterAll(async () => {
  await stack?.stop();
  await bus?.close();
});

interface RouteCase {
  route: string;
  allowed: Scope[];
  request: (key: string) => Promise<Response>;
}

async function newChat(): Promise<string> {
  const res = await fetch(`${stack.urls['chat-llm']}/chats`, {
    method: 'POST',
    headers: { authorization: `Bearer ${keyOf.admin}`, 'content-type': 'application/json' },
    body: '{}',
  });
  return ((await res.json()) as { chatId: string }).chatId;
}

function routes(chatId: string): RouteCase[] {
  const i = stack.urls.ingest;
  const g = stack.urls['stream-gateway'];
  const c = stack.urls['chat-llm'];
  const auth = (key: string) => ({ authorization: `Bearer ${key}` });
  const json = (key: string) => ({ ...auth(key), 'content-type': 'application/json' });
  return [
    {
      route: 'POST ingest frames',
      allowed: ['frames:write'],
      request: (k) =>
        fetch(`${i}/api/v1/devices/${deviceId}/frames`, {
          method: 'POST',
          headers: { ...auth(k), 'content-type': 'image/jpeg' },
          body: jpeg,
        }),
    },
    {
      route: 'POST actions/send',
      allowed: ['frames:write'],
      request: (k) =>
        fetch(`${i}/api/v1/actions/actions/send`, {
          method: 'POST',
          headers: json(k),
          body: JSON.stringify({ frame: jpeg.toString('base64'), camera_id: deviceId }),
        }),
    },
    {
      route: 'POST webhook',
      allowed: ['frames:write'],
      request: (k) =>
        fetch(`${i}/api/webhook`, {
          method: 'POST',
          headers: json(k),
          body: JSON.stringify({ deviceId, timestamp: Date.now(), detections: [] }),
        }),
    },
    {
      route: 'GET ingest health',
      allowed: ['device:read', 'frames:write'],
      request: (k) => fetch(`${i}/api/v1/devices/${deviceId}/health`, { headers: auth(k) }),
    },
    {
      route: 'GET SSE device',
      allowed: ['device:read', 'analytics:read'],
      request: (k) => fetch(`${g}/api/v1/devices/${deviceId}/analysis/stream`, { headers: auth(k) }),
    },
    {
      route: 'GET SSE all',
      allowed: ['device:read', 'analytics:read'],
      request: (k) => fetch(`${g}/api/v1/devices/analysis/stream/all`, { headers: auth(k) }),
    },
    {
      route: 'POST stream-tickets',
      allowed: ['device:read', 'analytics:read'],
      request: (k) => fetch(`${g}/api/v1/stream-tickets`, { method: 'POST', headers: auth(k) }),
    },
    {
      route: 'GET labels',
      allowed: ['device:read', 'analytics:read'],
      request: (k) => fetch(`${g}/api/labels`, { headers: auth(k) }),
    },
    {
      route: 'POST chats',
      allowed: ['chat:write'],
      request: (k) => fetch(`${c}/chats`, { method: 'POST', headers: json(k), body: '{}' }),
    },
    {
      route: 'GET chats',
      allowed: ['analytics:read', 'chat:write'],
      request: (k) => fetch(`${c}/chats`, { headers: auth(k) }),
    },
    {
      route: 'GET chat',
      allowed: ['analytics:read', 'chat:write'],
      request: (k) => fetch(`${c}/chats/${chatId}`, { headers: auth(k) }),
    },
    {
      route: 'POST chat message',
      allowed: ['chat:write'],
      request: (k) =>
        fetch(`${c}/chats/${chatId}/messages`, {
          method: 'POST',
          headers: json(k),
          body: JSON.stringify({ prompt: 'how many people now?' }),
        }),
    },
  ];
}

describe('scope matrix of ingest, streams and chat', () => {
  it('allows each route exactly to its documented scopes and admin', async () => {
    const chatId = await newChat();
    const wrong: string[] = [];
    for (const { route, allowed, request } of routes(chatId)) {
      for (const scope of scopes) {
        const res = await request(keyOf[scope]);
        await res.body?.cancel();
        const expectAllowed = scope === 'admin' || allowed.includes(scope);
        const got = res.status === 403 ? 'refused' : res.status === 401 ? 'unauthenticated' : 'allowed';
        if (got !== (expectAllowed ? 'allowed' : 'refused'))
          wrong.push(`${route} with ${scope}: ${res.status}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('deleting a chat needs chat:write', async () => {
    for (const scope of scopes) {
      const chatId = await newChat();
      const res = await fetch(`${stack.urls['chat-llm']}/chats/${chatId}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${keyOf[scope]}` },
      });
      expect(res.status, scope).toBe(scope === 'admin' || scope === 'chat:write' ? 204 : 403);
    }
  });
});
