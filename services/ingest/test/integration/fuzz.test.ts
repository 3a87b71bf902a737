import { readFileSync } from 'node:fs';
import { dataPath } from '@sightline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type FrameDrain, startFrameDrain } from './frame-drain.js';
import { createTenant, type IngestUnderTest, startIngest, type TenantFixture } from './harness.js';

const dog = readFileSync(dataPath('images', 'darknet_dog.jpg'));

/** mulberry32: a seeded PRNG, so a failing case can be replayed. */
function prng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Case = {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer | string | FormData;
};

describe('fuzz: malformed requests on every public route', () => {
  let ingest: IngestUnderTest;
  let t: TenantFixture;
  let other: TenantFixture;
  let drain: FrameDrain | undefined;
  beforeAll(async () => {
    ingest = await startIngest({ RATE_LIMIT_PER_MINUTE: '1000000', MAX_FRAME_BYTES: String(1024 * 1024) });
    t = await createTenant(ingest.control, { scopes: ['frames:write', 'device:read'] });
    other = await createTenant(ingest.control);
    // Corrupted-but-framed JPEGs are accepted; without a consumer the device's 30-frame backlog
    // would fill and answer 503 backlog_full, which is not what this test is about.
    drain = await startFrameDrain(ingest.runtime.js);
  });
  afterAll(async () => {
    await drain?.stop();
    await ingest?.stop();
  });

  function makeCase(rand: () => number): Case {
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(rand() * 256)));
    const auth = pick([
      `Bearer ${t.key}`,
      `Bearer ${t.key}`,
      `Bearer ${t.key}`,
      'Bearer sl_zz',
      '',
      `Basic ${bytes(8).toString('base64')}`,
      `Bearer ${other.key}`,
    ]);
    const device = pick([
      t.deviceId,
      t.deviceId,
      other.deviceId,
      'x'.repeat(200),
      '%00',
      '..%2F..',
      'a.b',
      encodeURIComponent(bytes(6).toString('latin1')),
    ]);
    const contentType = pick([
      'image/jpeg',
      'image/png',
      'application/json',
      'text/plain',
      'multipart/form-data; boundary=zz',
      'application/octet-stream',
      '',
      'image/jpeg; charset=utf-8',
    ]);
    const truncated = () => dog.subarray(0, Math.floor(rand() * dog.length));
    const corrupted = () => {
      const copy = Buffer.from(dog);
      for (let i = 0; i < 20; i++)
        copy[100 + Math.floor(rand() * (dog.length - 100))] = Math.floor(rand() * 256);
      return copy;
    };
    const bodies: (() => Buffer | string)[] = [
      () => bytes(Math.floor(rand() * 4096)),
      truncated,
      corrupted,
      () => '{"frame":',
      () => JSON.stringify({ frame: '!!!', camera_id: device }),
      () =>
        JSON.stringify({
          frame: truncated().toString('base64'),
          camera_id: t.deviceId,
          timestamp: pick([-1, 1e20, 'x', Date.now()]),
        }),
      () => JSON.stringify({ frame: corrupted().toString('base64'), camera_id: t.deviceId }),
      () =>
        JSON.stringify({
          camera_id: t.deviceId,
          timestamp: Date.now(),
          detections: [{ class: 1, confidence: 'x', bbox: [1] }],
        }),
      () => JSON.stringify(pick([null, [], 42, 'str', { a: { b: { c: [] } } }])),
      () => '',
    ];
    const body = pick(bodies)();
    const headers: Record<string, string> = {};
    if (auth) headers.authorization = auth;
    if (contentType) headers['content-type'] = contentType;
    if (rand() < 0.1) headers['x-huge'] = 'h'.repeat(Math.floor(rand() * 40_000));
    if (rand() < 0.1) headers['idempotency-key'] = pick(['', ' ', 'ü', 'k'.repeat(300), 'ok-key']);
    if (rand() < 0.1) headers['x-frame-timestamp'] = pick(['-5', 'NaN', '1e400', '99999999999999999', '']);
    const route = pick([
      { method: 'POST', path: `/api/v1/devices/${device}/frames` },
      { method: 'POST', path: '/api/v1/actions/actions/send' },
      { method: 'POST', path: '/api/webhook' },
      { method: 'POST', path: `/api/upload?deviceId=${device}` },
      { method: 'GET', path: `/api/upload/jobs/${device}` },
      { method: 'GET', path: `/api/v1/devices/${device}/health` },
      { method: 'GET', path: `/api/v1/devices/${device}/frames/ws` },
      { method: pick(['PUT', 'DELETE', 'PATCH']), path: `/api/v1/devices/${device}/frames` },
    ]);
    if (route.path.startsWith('/api/upload?') && rand() < 0.5) {
      const form = new FormData();
      form.append(
        pick(['file', 'deviceId', 'x']),
        new Blob([body]),
        pick(['a.mp4', 'a.jpg', 'a.txt', 'a.mkv', '']),
      );
      delete headers['content-type'];
      return { ...route, headers, body: form };
    }
    return { ...route, headers, ...(route.method === 'GET' ? {} : { body }) };
  }

  it('throws 1,200 malformed HTTP requests and 100 malformed WebSocket messages: zero 5xx, still healthy, heap bounded', {
    timeout: 60_000,
  }, async () => {
    const rand = prng(20261122);
    const statuses = new Map<number, number>();
    const failures: string[] = [];
    const heapBefore = process.memoryUsage().heapUsed;
    const cases = Array.from({ length: 1200 }, () => makeCase(rand));
    let next = 0;
    const worker = async () => {
      while (next < cases.length) {
        const c = cases[next++]!;
        const res = await fetch(`${ingest.url}${c.path}`, {
          method: c.method,
          headers: c.headers,
          body: c.body,
          signal: AbortSignal.timeout(5000),
        }).catch((err: Error) => err);
        if (res instanceof Error) {
          failures.push(`${c.method} ${c.path}: ${res.message}`);
          continue;
        }
        await res.arrayBuffer();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status >= 500)
          failures.push(`${c.method} ${c.path} ${JSON.stringify(c.headers).slice(0, 200)} → ${res.status}`);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));

    const ws = new WebSocket(`${ingest.url.replace('http', 'ws')}/api/v1/devices/${t.deviceId}/frames/ws`, {
      headers: { authorization: `Bearer ${t.key}` },
    });
    const replies: { type: string; code?: string }[] = [];
    ws.on('message', (d) => replies.push(JSON.parse(String(d))));
    await new Promise((r) => ws.once('open', r));
    for (let i = 0; i < 100; i++) {
      const junk = Buffer.from(
        Array.from({ length: Math.floor(rand() * 2000) + 1 }, () => Math.floor(rand() * 256)),
      );
      // Binary junk, or junk as (valid UTF-8) text: invalid UTF-8 text closes a socket by RFC 6455.
      if (rand() < 0.5) ws.send(junk, { binary: true });
      else ws.send(junk.toString('latin1'));
    }
    for (let i = 0; i < 500 && replies.length < 101; i++) await new Promise((r) => setTimeout(r, 20));
    ws.close();

    const heapAfter = process.memoryUsage().heapUsed;
    console.log(
      `fuzz statuses: ${JSON.stringify(Object.fromEntries(statuses))}; heap ${(heapBefore / 1e6).toFixed(0)} → ${(heapAfter / 1e6).toFixed(0)} MB`,
    );
    expect(failures).toEqual([]);
    expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBe(1200);
    expect(replies.filter((r) => r.type === 'error' && r.code === 'internal')).toEqual([]);
    expect(replies.filter((r) => r.type === 'error')).toHaveLength(100);
    expect((await fetch(`${ingest.url}/healthz`)).status).toBe(200);
    expect(heapAfter - heapBefore).toBeLessThan(200 * 1024 * 1024);
  });
});
