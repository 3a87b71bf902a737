import { readFileSync } from 'node:fs';
import { subjects } from '@sightline/contracts';
import { dataPath } from '@sightline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createTenant, headersOf, type IngestUnderTest, readFrames, startIngest } from './harness.js';

const dog = readFileSync(dataPath('images', 'darknet_dog.jpg'));
type Reply = { type: string; seq?: number; code?: string; frameId?: string; skipped?: boolean };

/** Open a socket and collect every JSON message until `count` arrived or it closed. */
function connect(url: string, headers: Record<string, string> = {}) {
  const ws = new WebSocket(url, { headers });
  const replies: Reply[] = [];
  let closeCode: number | undefined;
  ws.on('message', (data) => replies.push(JSON.parse(String(data)) as Reply));
  const closed = new Promise<void>((resolve) =>
    ws.on('close', (code) => {
      closeCode = code;
      resolve();
    }),
  );
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
  const until = async (n: number) => {
    const deadline = Date.now() + 15_000;
    while (replies.length < n && Date.now() < deadline && closeCode === undefined)
      await new Promise((r) => setTimeout(r, 20));
    return replies;
  };
  return { ws, replies, opened, closed, until, closeCode: () => closeCode };
}

describe('WebSocket push /api/v1/devices/:id/frames/ws', () => {
  let ingest: IngestUnderTest;
  beforeAll(async () => {
    ingest = await startIngest({ PACING: 'off', WS_MAX_IN_FLIGHT: '2' });
  });
  afterAll(() => ingest?.stop());
  const wsUrl = (deviceId: string) =>
    `${ingest.url.replace('http', 'ws')}/api/v1/devices/${deviceId}/frames/ws`;

  it('header auth: acks binary JPEGs and seed 002 text messages by sequence, errors per bad frame', async () => {
    const t = await createTenant(ingest.control);
    const c = connect(wsUrl(t.deviceId), { authorization: `Bearer ${t.key}` });
    await c.opened;
    await c.until(1);
    c.ws.send(dog);
    c.ws.send(dog);
    c.ws.send(
      JSON.stringify({
        streamName: 'webcam',
        streamType: 'frame',
        frame: dog.toString('base64'),
        timestamp: Date.now(),
        camera_id: t.deviceId,
      }),
    );
    c.ws.send(Buffer.from('not an image at all'));
    c.ws.send('{broken json');
    const replies = await c.until(6);
    expect(replies[0]).toEqual({ type: 'ready', deviceId: t.deviceId });
    const bySeq = new Map(replies.slice(1).map((r) => [r.seq, r]));
    expect([1, 2, 3].map((s) => bySeq.get(s)?.type)).toEqual(['ack', 'ack', 'ack']);
    expect(bySeq.get(4)).toMatchObject({ type: 'error', code: 'unsupported_media_type' });
    expect(bySeq.get(5)).toMatchObject({ type: 'error', code: 'bad_request' });
    c.ws.close();

    const msgs = await readFrames(ingest.runtime.js, subjects.frames(t.tenantId, t.deviceId), 5, 1000);
    expect(msgs).toHaveLength(3);
    expect(msgs.map((m) => headersOf(m).source)).toEqual(['ws', 'ws', 'ws']);
    expect(new Set(msgs.map((m) => headersOf(m).frameId))).toEqual(
      new Set([1, 2, 3].map((s) => bySeq.get(s)?.frameId)),
    );
  });

  it('first-message auth; frames sent right behind it wait for the check, none is lost', async () => {
    const t = await createTenant(ingest.control);
    const c = connect(wsUrl(t.deviceId));
    await c.opened;
    c.ws.send(JSON.stringify({ type: 'auth', apiKey: t.key }));
    for (let i = 0; i < 3; i++) c.ws.send(dog);
    const replies = await c.until(4);
    expect(replies.map((r) => r.type)).toEqual(['ready', 'ack', 'ack', 'ack']);
    c.ws.close();
  });

  it('refuses a wrong first-message key (error + close 1008) and a foreign device on the upgrade (HTTP 404)', async () => {
    const t = await createTenant(ingest.control);
    const other = await createTenant(ingest.control);
    const bad = connect(wsUrl(t.deviceId));
    await bad.opened;
    bad.ws.send(JSON.stringify({ type: 'auth', apiKey: 'sl_nope' }));
    await bad.closed;
    expect(bad.replies).toEqual([expect.objectContaining({ type: 'error', code: 'unauthorized' })]);
    expect(bad.closeCode()).toBe(1008);

    const foreign = connect(wsUrl(other.deviceId), { authorization: `Bearer ${t.key}` });
    await expect(foreign.opened).rejects.toThrow('HTTP 404');
    const noScope = await createTenant(ingest.control, { scopes: ['device:read'] });
    const forbidden = connect(wsUrl(noScope.deviceId), { authorization: `Bearer ${noScope.key}` });
    await expect(forbidden.opened).rejects.toThrow('HTTP 403');
  });

  it('backpressure: a burst beyond the in-flight limit pauses the socket, and every frame is still acked in order', async () => {
    const t = await createTenant(ingest.control);
    const c = connect(wsUrl(t.deviceId), { authorization: `Bearer ${t.key}` });
    await c.opened;
    await c.until(1);
    for (let i = 0; i < 20; i++) c.ws.send(dog);
    const replies = await c.until(21);
    expect(replies.slice(1).map((r) => r.type)).toEqual(Array(20).fill('ack'));
    expect(
      replies
        .slice(1)
        .map((r) => r.seq)
        .sort((a, b) => a! - b!),
    ).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const metrics = await (await fetch(`${ingest.url}/metrics`)).text();
    const pauses = Number(/sightline_ingest_ws_pauses_total\{[^}]*\} (\d+)/.exec(metrics)?.[1] ?? 0);
    expect(pauses).toBeGreaterThan(0);
    c.ws.close();
  });
});
