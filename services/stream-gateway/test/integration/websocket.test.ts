import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { ControlPlane } from '@sightline/auth';
import { type AnalyticEvent, analyticEventId, type FrameData, subjects } from '@sightline/contracts';
import { publishJson } from '@sightline/nats';
import { dataPath, startNats, type TestNats, waitFor } from '@sightline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addKey, type RunningGateway, seedTenant, startGateway, type Tenant } from '../support/gateway.js';
import { metricValue } from '../support/metrics.js';
import { WsClient } from '../support/ws-client.js';

let nats: TestNats;
let gw: RunningGateway;
let a: Tenant;
let b: Tenant;
const clients: WsClient[] = [];
const jpeg = readFileSync(dataPath('images', 'darknet_dog.jpg')).toString('base64');

const wsUrl = (path: string) => `${gw.url.replace('http', 'ws')}${path}`;
const auth = (key: string) => ({ Authorization: `Bearer ${key}` });
function client(path: string, options: ConstructorParameters<typeof WsClient>[1] = {}): WsClient {
  const c = new WsClient(wsUrl(path), options);
  clients.push(c);
  return c;
}
function frameOf(camera: string, timestamp: number): FrameData {
  return {
    frame: jpeg,
    timestamp,
    camera_id: camera,
    detections: [{ class: 'dog', confidence: 0.93, bbox: [131, 219, 178, 322] }],
  };
}
/** What inference does for live viewers: FrameData JSON on core NATS. */
async function publishLive(tenantId: string, camera: string, frame: FrameData): Promise<void> {
  gw.runtime.nc.publish(subjects.live(tenantId, camera), JSON.stringify(frame));
  await gw.runtime.nc.flush();
}
const metric = (name: string, labels: Record<string, string>) =>
  metricValue(gw.runtime.registry, `sightline_stream_gateway_${name}`, labels);

beforeAll(async () => {
  nats = await startNats();
  gw = await startGateway(nats.url, { WS_AUTH_TIMEOUT_MS: '1000', LABELS_RATE_PER_MINUTE: '3' });
  a = await seedTenant(gw.runtime, {
    devices: 3,
    labels: [['entrance', 'lobby'], ['entrance'], ['parking']],
  });
  b = await seedTenant(gw.runtime, { devices: 1, labels: [['entrance']] });
});

afterAll(async () => {
  for (const c of clients) c.close();
  await gw?.stop();
  await nats?.stop();
});

describe('/ws/stream/:cameraId (seed 002)', () => {
  it('forwards FrameData with a header key, a first-message key, or a ticket', async () => {
    const camera = a.deviceIds[0]!;
    const byHeader = client(`/ws/stream/${camera}`, { headers: auth(a.key) });
    const byMessage = client(`/ws/stream/${camera}`);
    byMessage.ws.once('open', () => byMessage.send({ type: 'auth', token: a.key }));
    const ticket = (await (
      await fetch(`${gw.url}/api/v1/stream-tickets`, { method: 'POST', headers: auth(a.key) })
    ).json()) as { ticket: string };
    const byTicket = client(`/ws/stream/${camera}?ticket=${ticket.ticket}`);
    expect(await Promise.all([byHeader.opened, byMessage.opened, byTicket.opened])).toEqual([
      true,
      true,
      true,
    ]);
    await waitFor(() => metric('subscriptions', { kind: 'live' }).then((n) => n === 1), { what: 'live hub' });
    await waitFor(() => metric('connections', { transport: 'ws_live' }).then((n) => n === 3));
    const sent = frameOf(camera, 1_738_000_000_000);
    // The first-message client may still be authenticating: publish until all three have one.
    await waitFor(
      async () => {
        await publishLive(a.tenantId, camera, sent);
        return [byHeader, byMessage, byTicket].every((c) => c.messages.length > 0);
      },
      { what: 'a frame on every socket', intervalMs: 100 },
    );
    for (const c of [byHeader, byMessage, byTicket]) expect(c.messages[0]).toEqual(sent);
  });

  it('refuses bad credentials on the upgrade, in the first message, or none in time', async () => {
    const camera = a.deviceIds[0]!;
    const badHeader = client(`/ws/stream/${camera}`, { headers: auth('sl_0000000000000000_nope') });
    expect(await badHeader.opened).toBe(false);
    expect(badHeader.refusedWith).toBe(401);
    const writer = await addKey(gw.runtime, a.tenantId, ['frames:write']);
    const forbidden = client(`/ws/stream/${camera}`, { headers: auth(writer) });
    expect(await forbidden.opened).toBe(false);
    expect(forbidden.refusedWith).toBe(403);

    const badMessage = client(`/ws/stream/${camera}`);
    await badMessage.opened;
    badMessage.send({ type: 'auth', token: 'sl_0000000000000000_nope' });
    await waitFor(() => badMessage.closed);
    expect(badMessage.closed!.code).toBe(4401);
    expect(badMessage.messages).toEqual([{ error: 'invalid, revoked or expired API key' }]);

    const silent = client(`/ws/stream/${camera}`);
    await silent.opened;
    await waitFor(() => silent.closed);
    expect(silent.closed!.code).toBe(4408);
  });

  it("closes with {error} and 4404 for another tenant's camera", async () => {
    const foreign = client(`/ws/stream/${b.deviceIds[0]}`, { headers: auth(a.key) });
    await waitFor(() => foreign.closed);
    expect(foreign.closed!.code).toBe(4404);
    expect(foreign.messages).toEqual([{ error: `camera ${b.deviceIds[0]} not found` }]);
  });

  it('drops the oldest frames of a viewer that does not read, never the newest', async () => {
    const camera = a.deviceIds[1]!;
    const slow = client(`/ws/stream/${camera}`, { headers: auth(a.key) });
    const fast = client(`/ws/stream/${camera}`, { headers: auth(a.key) });
    await Promise.all([slow.opened, fast.opened]);
    slow.ws.pause();
    const big = 'A'.repeat(512 * 1024);
    const count = 80;
    for (let i = 1; i <= count; i++)
      await publishLive(a.tenantId, camera, { ...frameOf(camera, i), frame: big });
    // The reading socket is not held back by the stalled one: it gets up to the newest frame.
    await waitFor(() => (fast.messages.at(-1) as FrameData | undefined)?.timestamp === count, {
      what: 'the newest frame on the reading socket',
    });
    await waitFor(() =>
      metric('slow_client_total', { transport: 'ws_live', action: 'drop' }).then((n) => n > 0),
    );
    slow.ws.resume();
    await waitFor(() => (slow.messages.at(-1) as FrameData | undefined)?.timestamp === count, {
      what: 'the newest frame on the slow socket',
    });
    const seen = slow.messages.map((m) => (m as FrameData).timestamp);
    expect(seen).toEqual([...seen].sort((x, y) => x - y));
    expect(slow.messages.length).toBeLessThan(count);
  });
});

describe('seed 003 labels', () => {
  it('lists the labels of the tenant’s devices, rate limited', async () => {
    const res = await fetch(`${gw.url}/api/labels`, { headers: auth(a.key) });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ labels: ['entrance', 'lobby', 'parking'] });
    const key = await addKey(gw.runtime, a.tenantId, ['device:read'], 'labels@example.com');
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await fetch(`${gw.url}/api/labels`, { headers: auth(key) })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it('streams a label’s cameras and one camera in the seed’s shapes', async () => {
    const [entrance0, entrance1, parking] = a.deviceIds as [string, string, string];
    const label = client('/api/ws/labels/entrance', { headers: auth(a.key) });
    const camera = client(`/api/ws/stream/entrance/${entrance1}`, { headers: auth(a.key) });
    await Promise.all([label.opened, camera.opened]);
    await waitFor(() => metric('connections', { transport: 'ws_label_stream' }).then((n) => n === 1));
    await waitFor(
      async () => {
        await publishLive(a.tenantId, parking, frameOf(parking, 1));
        await publishLive(a.tenantId, entrance0, frameOf(entrance0, 2));
        await publishLive(a.tenantId, entrance1, frameOf(entrance1, 3));
        return label.messages.length >= 2 && camera.messages.length >= 1;
      },
      { what: 'label and camera messages', intervalMs: 100 },
    );
    expect(label.messages.slice(0, 2)).toEqual([
      { label: 'entrance', images: [{ key: entrance0, image: jpeg }] },
      { label: 'entrance', images: [{ key: entrance1, image: jpeg }] },
    ]);
    const first = camera.messages[0] as { id: string; image: string; warnings: string[] };
    expect(first.image).toBe(jpeg);
    expect(first.id).toMatch(/^3-\d+$/);
    expect(first.warnings).toEqual(['dog 0.93']);
    expect(label.messages.every((m) => (m as { images: { key: string }[] }).images[0]!.key !== parking)).toBe(
      true,
    );
  });

  it('answers an unknown label or key with {error} and closes', async () => {
    const unknownLabel = client('/api/ws/labels/nowhere', { headers: auth(a.key) });
    const wrongKey = client(`/api/ws/stream/parking/${a.deviceIds[0]}`, { headers: auth(a.key) });
    const foreignKey = client(`/api/ws/stream/entrance/${b.deviceIds[0]}`, { headers: auth(a.key) });
    for (const c of [unknownLabel, wrongKey, foreignKey]) {
      await waitFor(() => c.closed);
      expect(c.closed!.code).toBe(4404);
      expect(c.messages).toHaveLength(1);
      expect(typeof (c.messages[0] as { error: unknown }).error).toBe('string');
    }
  });
});

describe('/ws/events (seed 004)', () => {
  it('sends the tenant’s analytic events, filtered by analytic_id and stream_id', async () => {
    const [cam0, cam1] = a.deviceIds as [string, string];
    const all = client('/ws/events', { headers: auth(a.key) });
    const people = client(`/ws/events?analytic_id=NFV4-PC&stream_id=${cam1}`, { headers: auth(a.key) });
    const foreign = client(`/ws/events?stream_id=${b.deviceIds[0]}`, { headers: auth(a.key) });
    await Promise.all([all.opened, people.opened]);
    await waitFor(() => foreign.closed);
    expect(foreign.closed!.code).toBe(4404);
    await waitFor(() => metric('connections', { transport: 'ws_events' }).then((n) => n === 2));

    const event = (camera: string, analytic: string, ts: number): AnalyticEvent => ({
      analytic_id: analytic,
      event_id: analyticEventId(ts, camera, analytic),
      timestamp: String(ts),
      stream_id: camera,
      stream_address: `device://${camera}`,
      node_num: 0,
      pipeline_data: { label: 'person', confidence: 0.9, area_name: 'entrance' },
    });
    const sent = [
      event(cam0, 'NFV4-PC', 1_738_000_001),
      event(b.deviceIds[0]!, 'NFV4-PC', 1_738_000_002),
      event(cam1, 'NFV4-VC', 1_738_000_003),
      event(cam1, 'NFV4-PC', 1_738_000_004),
    ];
    const tenants = [a.tenantId, b.tenantId, a.tenantId, a.tenantId];
    for (const [i, e] of sent.entries()) {
      await publishJson(gw.runtime.js, subjects.events(tenants[i]!, e.stream_id, e.analytic_id), e, {
        msgId: e.event_id,
      });
    }
    await waitFor(() => all.messages.length >= 3 && people.messages.length >= 1);
    expect(all.messages).toEqual([sent[0], sent[2], sent[3]]);
    expect(people.messages).toEqual([sent[3]]);
  });
});

describe('/ws/events batches', () => {
  const event = (camera: string, analytic: string, n: number, image?: string): AnalyticEvent => ({
    analytic_id: analytic,
    event_id: analyticEventId(1_738_100_000 + n, camera, analytic, String(n)),
    timestamp: String(1_738_100_000 + n),
    stream_id: camera,
    stream_address: `device://${camera}`,
    node_num: 0,
    pipeline_data: { label: 'person', confidence: 0.9, count: n },
    ...(image === undefined ? {} : { image_jpeg: image }),
  });

  it('sends a burst as one message per event, in order, per filter, small and large alike', async () => {
    const [cam0, cam1] = a.deviceIds as [string, string];
    const all = [
      client('/ws/events', { headers: auth(a.key) }),
      client('/ws/events', { headers: auth(a.key) }),
    ];
    const cars = client(`/ws/events?analytic_id=NFV4-VC`, { headers: auth(a.key) });
    const cam1Only = client(`/ws/events?stream_id=${cam1}`, { headers: auth(a.key) });
    await Promise.all([...all, cars, cam1Only].map((c) => c.opened));
    await waitFor(() => metric('connections', { transport: 'ws_events' }).then((n) => n >= 4));
    // Sizes on every side of the 125 / 65,535-byte frame length encodings.
    const images = [undefined, 'x'.repeat(200), 'y'.repeat(70_000), undefined, 'z'.repeat(65_400)];
    const sent = Array.from({ length: 40 }, (_, n) =>
      event(n % 3 === 0 ? cam1 : cam0, n % 4 === 0 ? 'NFV4-VC' : 'NFV4-PC', n, images[n % images.length]),
    );
    // Published without waiting for each ack, so the gateway reads several in one go.
    await Promise.all(
      sent.map((e) =>
        publishJson(gw.runtime.js, subjects.events(a.tenantId, e.stream_id, e.analytic_id), e, {
          msgId: e.event_id,
        }),
      ),
    );
    const wanted = new Map([
      [all[0]!, sent],
      [all[1]!, sent],
      [cars, sent.filter((e) => e.analytic_id === 'NFV4-VC')],
      [cam1Only, sent.filter((e) => e.stream_id === cam1)],
    ]);
    for (const [c, expected] of wanted) {
      await waitFor(() => c.messages.length >= expected.length, { what: 'the burst on every socket' });
    }
    // Publishing in parallel may store them in any order: the stream's order is what must hold.
    const stored = all[0]!.messages as AnalyticEvent[];
    expect([...stored].sort((x, y) => Number(x.timestamp) - Number(y.timestamp))).toEqual(sent);
    expect(all[1]!.messages).toEqual(stored);
    expect(cars.messages).toEqual(stored.filter((e) => e.analytic_id === 'NFV4-VC'));
    expect(cam1Only.messages).toEqual(stored.filter((e) => e.stream_id === cam1));
    for (const c of [...all, cars, cam1Only]) c.close();
  });

  it('closes a socket that does not read with 4000 once its backlog passes the bound; the others get everything', async () => {
    const bounded = await startGateway(nats.url, { SSE_MAX_BUFFERED_BYTES: String(256 * 1024) });
    try {
      const camera = a.deviceIds[0]!;
      const reader = new WsClient(`${bounded.url.replace('http', 'ws')}/ws/events`, { headers: auth(a.key) });
      clients.push(reader);
      await reader.opened;
      const stalled = connect(bounded.port, '127.0.0.1');
      await new Promise((r) => stalled.once('connect', r));
      stalled.pause();
      stalled.write(
        'GET /ws/events HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
          `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${Buffer.alloc(16, 1).toString('base64')}\r\n` +
          `Authorization: Bearer ${a.key}\r\n\r\n`,
      );
      const connections = () =>
        metricValue(bounded.runtime.registry, 'sightline_stream_gateway_connections', {
          transport: 'ws_events',
        });
      await waitFor(() => connections().then((n) => n === 2), { what: 'the stalled socket' });
      const cut = () =>
        metricValue(bounded.runtime.registry, 'sightline_stream_gateway_slow_client_total', {
          transport: 'ws_events',
          action: 'disconnect',
        }).then((n) => n > 0);
      const sent: AnalyticEvent[] = [];
      // Loopback's kernel buffers hold megabytes for a socket that does not read: publish until
      // the gateway's own bound gives way (at most ~40 MB).
      while (sent.length < 400 && !(await cut())) {
        for (let i = 0; i < 20; i++) {
          const e = event(camera, 'NFV4-PC', 10_000 + sent.length, 'j'.repeat(100_000));
          sent.push(e);
          await publishJson(bounded.runtime.js, subjects.events(a.tenantId, camera, e.analytic_id), e, {
            msgId: e.event_id,
          });
        }
      }
      await waitFor(cut, { what: 'the stalled socket to be closed' });
      await waitFor(() => reader.messages.length >= sent.length, {
        what: 'the reading socket to get everything',
        timeoutMs: 30_000,
      });
      expect((reader.messages as AnalyticEvent[]).map((m) => m.event_id)).toEqual(
        sent.map((e) => e.event_id),
      );
      stalled.destroy();
    } finally {
      await bounded.stop();
    }
  });
});

describe('keep-alive and shutdown', () => {
  it('terminates a socket that stops answering pings, keeps one that answers', async () => {
    const pinging = await startGateway(nats.url, { WS_PING_MS: '150' });
    try {
      const url = `${pinging.url.replace('http', 'ws')}/ws/stream/${a.deviceIds[2]}`;
      const deaf = new WsClient(url, { headers: auth(a.key), autoPong: false });
      const healthy = new WsClient(url, { headers: auth(a.key) });
      clients.push(deaf, healthy);
      await Promise.all([deaf.opened, healthy.opened]);
      await waitFor(() => deaf.closed, { what: 'the deaf socket to be cut' });
      expect(deaf.closed!.code).toBe(1006);
      expect(healthy.closed).toBeUndefined();
    } finally {
      await pinging.stop();
    }
  });

  it('closes sockets with 1001 when the replica shuts down', async () => {
    const other = await startGateway(nats.url);
    const control = await ControlPlane.open(other.runtime.nc);
    expect(await control.getDevice(a.tenantId, a.deviceIds[0]!)).toBeDefined();
    const c = new WsClient(`${other.url.replace('http', 'ws')}/ws/stream/${a.deviceIds[0]}`, {
      headers: auth(a.key),
    });
    await c.opened;
    await waitFor(() =>
      metricValue(other.runtime.registry, 'sightline_stream_gateway_connections', {
        transport: 'ws_live',
      }).then((n) => n === 1),
    );
    await other.stop();
    await waitFor(() => c.closed);
    expect(c.closed!.code).toBe(1001);
  });
});
