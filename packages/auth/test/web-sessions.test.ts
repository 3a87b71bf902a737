import { buckets, WEB_SESSION_MAX_TTL_MS } from '@sightline/contracts';
import { connectNats, JsonBucket, manager, type NatsConnection, provisionAll } from '@sightline/nats';
import { startNats, type TestNats } from '@sightline/testing';
import type { FastifyRequest } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ControlPlane,
  clearedSessionCookie,
  originAllowed,
  readCookie,
  sessionCookieName,
  sessionSetCookie,
  WebSessions,
} from '../src/index.js';

let nats: TestNats;
let nc: NatsConnection;
let control: ControlPlane;
beforeAll(async () => {
  nats = await startNats();
  nc = await connectNats({ url: nats.url, name: 'auth-sessions-test' });
  await provisionAll(nc);
  control = await ControlPlane.open(nc, { keyCacheMs: 0 });
});
afterAll(async () => {
  await nc?.drain();
  await nats?.stop();
});

const requestWith = (headers: Record<string, string>) => ({ headers }) as unknown as FastifyRequest;

describe('web sessions in KV', () => {
  it('stores only the hash of the id, ends at the earlier of its TTL and the key expiry, and is removable', async () => {
    let now = 1_000_000;
    const bucket = await JsonBucket.open<never>(nc, buckets.webSessions);
    const sessions = new WebSessions(new JsonBucket(bucket.kv), () => now);
    const principal = { tenantId: 't1', keyId: 'k1', owner: 'o', scopes: ['device:read' as const] };

    const { sessionId, session } = await sessions.create(principal, 60_000);
    expect(sessionId).toMatch(/^ss_[A-Za-z0-9_-]{43}$/);
    expect(session).toEqual({ tenantId: 't1', keyId: 'k1', createdAt: now, expiresAt: now + 60_000 });
    const stored = await bucket.keys();
    expect(stored.some((k) => k.includes(sessionId))).toBe(false);
    expect(JSON.stringify(await bucket.values())).not.toContain(sessionId);
    expect(await sessions.find(sessionId)).toEqual(session);

    const capped = await sessions.create(principal, 60_000, now + 5000);
    expect(capped.session.expiresAt).toBe(now + 5000);
    const longest = await sessions.create(principal, 10 * WEB_SESSION_MAX_TTL_MS);
    expect(longest.session.expiresAt).toBe(now + WEB_SESSION_MAX_TTL_MS);

    now += 5000;
    expect(await sessions.find(capped.sessionId)).toBeUndefined();
    await sessions.remove(sessionId);
    expect(await sessions.find(sessionId)).toBeUndefined();
    for (const bad of ['', 'garbage', `ss_${'x'.repeat(42)}`, `ss_${'A'.repeat(43)}`]) {
      expect(await sessions.find(bad)).toBeUndefined();
    }
  });

  it('is a bucket with a TTL, so abandoned sessions leave KV by themselves', async () => {
    const info = await (await manager(nc)).streams.info(`KV_${buckets.webSessions}`);
    expect(info.config.max_age).toBe(WEB_SESSION_MAX_TTL_MS * 1_000_000);
  });

  it('resolves a key id to its principal only while the key is active', async () => {
    const tenant = await control.createTenant('Sessions');
    const { record } = await control.createApiKey({
      tenantId: tenant.tenantId,
      owner: 'op',
      scopes: ['admin'],
    });
    expect(await control.activeKey(record.keyId)).toEqual({
      tenantId: tenant.tenantId,
      keyId: record.keyId,
      owner: 'op',
      scopes: ['admin'],
    });
    await control.revokeApiKey(tenant.tenantId, record.keyId);
    expect(await control.activeKey(record.keyId)).toBeUndefined();
    expect(await control.activeKey('no such key!')).toBeUndefined();
  });
});

describe('session cookie and origin policy', () => {
  it('writes HttpOnly, SameSite=Strict, Path=/ cookies, Secure with the __Host- prefix', () => {
    const secure = { name: sessionCookieName(true), secure: true };
    expect(sessionSetCookie(secure, 'ss_abc', 60.9)).toBe(
      '__Host-sl_session=ss_abc; HttpOnly; SameSite=Strict; Path=/; Max-Age=60; Secure',
    );
    const plain = { name: sessionCookieName(false), secure: false };
    expect(clearedSessionCookie(plain)).toBe('sl_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0');
  });

  it('reads one cookie by exact name', () => {
    const request = requestWith({ cookie: 'a=1; sl_session_x=2;  sl_session="ss_q" ; sl_session=later' });
    expect(readCookie(request, 'sl_session')).toBe('ss_q');
    expect(readCookie(request, '__Host-sl_session')).toBeUndefined();
    expect(readCookie(requestWith({}), 'sl_session')).toBeUndefined();
  });

  it('allows its own origin (the Host) and listed ones, nothing else', () => {
    const allowed = ['https://ops.example.com'];
    const check = (headers: Record<string, string>) => originAllowed(requestWith(headers), allowed);
    expect(check({ host: '127.0.0.1:8080', origin: 'http://127.0.0.1:8080' })).toBe(true);
    expect(check({ host: 'gw.example.com', origin: 'https://gw.example.com' })).toBe(true);
    expect(check({ host: 'gw.example.com', origin: 'https://ops.example.com' })).toBe(true);
    expect(check({ host: 'gw.example.com', origin: 'https://gw.example.com.evil.io' })).toBe(false);
    expect(check({ host: 'gw.example.com', origin: 'https://evil.io' })).toBe(false);
    expect(check({ host: 'gw.example.com', origin: 'null' })).toBe(false);
    expect(check({ host: 'gw.example.com' })).toBe(false);
    expect(check({ host: 'gw.example.com', origin: 'not a url' })).toBe(false);
  });
});
