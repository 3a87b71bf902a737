import { connect, type Socket } from 'node:net';
import { startNats, type TestNats, waitFor } from '@sightline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  analysisResult,
  publishAnalysis,
  type RunningGateway,
  seedTenant,
  startGateway,
  type Tenant,
} from '../support/gateway.js';
import { metricValue } from '../support/metrics.js';
import { FetchSse } from '../support/sse-reader.js';

let nats: TestNats;
let gw: RunningGateway;
let tenant: Tenant;
const clients: FetchSse[] = [];
const auth = (key: string) => ({ Authorization: `Bearer ${key}` });
const metric = (name: string, labels: Record<string, string> = {}) =>
  metricValue(gw.runtime.registry, `sightline_stream_gateway_${name}`, labels);

beforeAll(async () => {
  nats = await startNats();
  gw = await startGateway(nats.url, { SSE_MAX_BUFFERED_BYTES: String(1024 * 1024), SSE_MAX_PER_USER: '20' });
  tenant = await seedTenant(gw.runtime, { devices: 1 });
});

afterAll(async () => {
  for (const c of clients) c.close();
  await gw?.stop();
  await nats?.stop();
});

describe('fan-out', () => {
  it('serves every client of a device and of /all from one subscription each', async () => {
    const device = tenant.deviceIds[0]!;
    for (let i = 0; i < 6; i++) {
      clients.push(
        await FetchSse.open(`${gw.url}/api/v1/devices/${device}/analysis/stream`, auth(tenant.key)),
      );
    }
    for (let i = 0; i < 3; i++) {
      clients.push(await FetchSse.open(`${gw.url}/api/v1/devices/analysis/stream/all`, auth(tenant.key)));
    }
    expect(await metric('subscriptions', { kind: 'analysis' })).toBe(2);
    expect(await metric('connections', { transport: 'sse' })).toBe(9);
    const seqs: number[] = [];
    for (let i = 0; i < 5; i++)
      seqs.push(await publishAnalysis(gw.runtime, tenant.tenantId, analysisResult(device)));
    for (const c of clients)
      await waitFor(() => c.events.length >= 5, { what: 'five events on every client' });
    for (const c of clients.slice(0, 6))
      expect(c.events.map((e) => e.id)).toEqual(seqs.map((s) => `${device}-${s}`));
    for (const c of clients.slice(6))
      expect(c.events.map((e) => e.id)).toEqual(seqs.map((s) => `${tenant.tenantId}-${s}`));
  });

  it('applies ?types, ?minConfidence and ?zones per client', async () => {
    const device = tenant.deviceIds[0]!;
    const path = `${gw.url}/api/v1/devices/${device}/analysis/stream`;
    const cars = await FetchSse.open(`${path}?types=car&minConfidence=0.5`, auth(tenant.key));
    const entrance = await FetchSse.open(`${path}?zones=entrance`, auth(tenant.key));
    clients.push(cars, entrance);
    expect((await fetch(`${path}?minConfidence=high`, { headers: auth(tenant.key) })).status).toBe(400);
    await publishAnalysis(
      gw.runtime,
      tenant.tenantId,
      analysisResult(device, [{ type: 'car', confidence: 0.3 }]),
    );
    const both = await publishAnalysis(
      gw.runtime,
      tenant.tenantId,
      analysisResult(device, [
        { type: 'car', confidence: 0.9 },
        { type: 'person', confidence: 0.9, zones: ['entrance'] },
      ]),
    );
    await waitFor(() => cars.events.length >= 1 && entrance.events.length >= 1);
    expect(cars.events.map((e) => e.id)).toEqual([`${device}-${both}`]);
    expect(JSON.parse(cars.events[0]!.data!).detections).toEqual([{ type: 'car', confidence: 0.9 }]);
    expect(JSON.parse(entrance.events[0]!.data!).detections).toEqual([
      { type: 'person', confidence: 0.9, zones: ['entrance'] },
    ]);
  });

  it('disconnects a client that does not read, without holding back the others', async () => {
    const device = tenant.deviceIds[0]!;
    const path = `/api/v1/devices/${device}/analysis/stream`;
    const before = await metric('connections', { transport: 'sse' });
    const reader = await FetchSse.open(`${gw.url}${path}`, auth(tenant.key));
    clients.push(reader);
    const stalled = await rawSseWithoutReading(gw.port, path, tenant.key);
    await waitFor(() => metric('connections', { transport: 'sse' }).then((n) => n >= before + 2), {
      what: 'stalled client',
    });
    const big = { type: 'person', confidence: 0.5, attributes: { blob: 'x'.repeat(200_000) } };
    // Counted from here: on a loaded machine an earlier test's reader may have been cut off too.
    const cutBefore = await metric('slow_client_total', { transport: 'sse', action: 'disconnect' });
    const disconnected = () =>
      metric('slow_client_total', { transport: 'sse', action: 'disconnect' }).then((n) => n > cutBefore);
    // Loopback's kernel buffers alone can hold ~10 MB for a client that does not read: publish
    // until the gateway's own bound is what gives way (at most 50 MB).
    const seqs: number[] = [];
    while (seqs.length < 250 && !(await disconnected())) {
      for (let i = 0; i < 20; i++)
        seqs.push(await publishAnalysis(gw.runtime, tenant.tenantId, analysisResult(device, [big])));
    }
    await waitFor(disconnected, { what: 'the stalled client to be disconnected' });
    await waitFor(() => reader.events.length >= seqs.length, {
      what: 'the reading client to get everything',
      timeoutMs: 30_000,
    });
    expect(reader.events.map((e) => e.id)).toEqual(seqs.map((s) => `${device}-${s}`));
    stalled.destroy();
  });

  it('sends bursts in stream order, once, to every client; one resuming mid-burst gets each later event once', async () => {
    const device = tenant.deviceIds[0]!;
    const path = `${gw.url}/api/v1/devices/${device}/analysis/stream`;
    const live = [await FetchSse.open(path, auth(tenant.key)), await FetchSse.open(path, auth(tenant.key))];
    const cars = await FetchSse.open(`${path}?types=car`, auth(tenant.key));
    clients.push(...live, cars);
    const published: { seq: number; car: boolean }[] = [];
    // Published without waiting for each ack, so the gateway reads many in one go (one batch).
    const burst = async (n: number) => {
      const got = await Promise.all(
        Array.from({ length: n }, async (_, i) => {
          const car = i % 3 === 0;
          const detections = car ? [{ type: 'car', confidence: 0.9 }] : [{ type: 'person', confidence: 0.8 }];
          return {
            seq: await publishAnalysis(gw.runtime, tenant.tenantId, analysisResult(device, detections)),
            car,
          };
        }),
      );
      published.push(...got);
    };
    await burst(30);
    const resumeAfter = [...published].sort((x, y) => x.seq - y.seq)[14]!.seq;
    // It joins, replays and goes live while the next bursts are stored.
    const [resumed] = await Promise.all([
      FetchSse.open(path, { ...auth(tenant.key), 'Last-Event-ID': `${device}-${resumeAfter}` }),
      burst(30),
    ]);
    clients.push(resumed);
    await burst(30);
    published.sort((x, y) => x.seq - y.seq);
    const ids = (list: { seq: number }[]) => list.map((p) => `${device}-${p.seq}`);
    const wanted = new Map([
      [live[0]!, ids(published)],
      [live[1]!, ids(published)],
      [cars, ids(published.filter((p) => p.car))],
      [resumed, ids(published.filter((p) => p.seq > resumeAfter))],
    ]);
    for (const [c, expected] of wanted) {
      await waitFor(() => c.events.length >= expected.length, { what: 'every event on every client' });
    }
    await new Promise((r) => setTimeout(r, 200)); // nothing more (no duplicate) arrives
    for (const [c, expected] of wanted) expect(c.events.map((e) => e.id)).toEqual(expected);
  });
});

/** A client that sends the request and never reads the response. */
async function rawSseWithoutReading(port: number, path: string, key: string): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  await new Promise((r) => socket.once('connect', r));
  socket.pause();
  socket.write(
    `GET ${path} HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\nAuthorization: Bearer ${key}\r\n\r\n`,
  );
  return socket;
}
