import { ControlPlane } from '@sightline/auth';
import { connectNats, jetstream, type NatsConnection, provisionAll } from '@sightline/nats';
import {
  dataPath,
  type RunningStack,
  startNats,
  startStack,
  type TestNats,
  waitFor,
} from '@sightline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSequence } from './support/cameras.js';
import { type Sample, scrape, sumOf } from './support/metrics.js';
import { feedGateway, type Published } from './support/publisher.js';
import { machineNote, writeReport } from './support/report.js';
import { openSse, type SseClient, type SseEvent, sequenceOf } from './support/sse.js';
import { summarise } from './support/stats.js';
import { openWs, type WsClient } from './support/ws.js';

/**
 * Slow and stalled SSE and WebSocket clients beside fast ones, on one real gateway fed through
 * real NATS. Timing is reported (test-results/load/slow-clients.json), never asserted; the test
 * asserts the documented rules: fast clients get every event, stalled SSE clients are cut off
 * as slow_client (and lose nothing on resume), stalled /ws/events sockets are closed with 4000,
 * a stalled live viewer has frames dropped.
 */
const seconds = Number(process.env.SLOW_CLIENTS_SECONDS ?? 8);
// ~1.4 MB/s of SSE, ~1 MB/s of events, ~0.8 MB/s of live frames per client.
const rates = { analysisPerSecond: 40, eventsPerSecond: 20, liveFps: 15 };
const maxBufferedBytes = 256 * 1024;
/** About half the SSE byte rate: this reader falls behind slowly rather than stalling. */
const slowReaderBytesPerSecond = 700 * 1024;

let nats: TestNats;
let nc: NatsConnection;
let stack: RunningStack;
let tenantId: string;
let deviceId: string;
let fastKey: string;
let slowKey: string;
let jpeg: Buffer;

beforeAll(async () => {
  nats = await startNats();
  nc = await connectNats({ url: nats.url, name: 'load-slow-clients' });
  await provisionAll(nc);
  const control = await ControlPlane.open(nc);
  tenantId = (await control.createTenant('load-slow-clients')).tenantId;
  deviceId = (await control.createDevice(tenantId, { name: 'lobby' })).deviceId;
  // Two users, so the per-user SSE connection limit (10) holds for each.
  const key = async (owner: string) =>
    (await control.createApiKey({ tenantId, owner, scopes: ['device:read'] })).key;
  fastKey = await key('fast-viewer');
  slowKey = await key('slow-viewer');
  jpeg = readSequence(dataPath('mot', 'TUD-Campus', 'img1'))[0]!;
  stack = await startStack({
    natsUrl: nats.url,
    services: ['stream-gateway'],
    env: { LOG_LEVEL: 'warn' },
    serviceEnv: { 'stream-gateway': { SSE_MAX_BUFFERED_BYTES: String(maxBufferedBytes) } },
  });
});

afterAll(async () => {
  await stack?.stop();
  await nc?.close();
  await nats?.stop();
});

const gateway = () => stack.urls['stream-gateway'];
const wsBase = () => gateway().replace('http://', 'ws://');
const sseUrl = () => `${gateway()}/api/v1/devices/${deviceId}/analysis/stream`;

interface FastClients {
  sse: SseClient[];
  events: WsClient[];
  live: WsClient[];
}

function openFast(): FastClients {
  return {
    sse: [0, 1, 2].map(() => openSse(sseUrl(), { apiKey: fastKey })),
    events: [0, 1].map(() => openWs(`${wsBase()}/ws/events`, fastKey)),
    live: [openWs(`${wsBase()}/ws/stream/${deviceId}`, fastKey)],
  };
}

const results = (client: SseClient) => client.events.filter((e) => e.event === 'analysis_result');

/** Run the feed with the fast clients (and whatever else is connected); their figures. */
async function fastRun(fast: FastClients, runSeconds = seconds) {
  await Promise.all([...fast.sse.map((c) => c.opened), ...fast.events.map((c) => c.opened)]);
  await Promise.all(fast.live.map((c) => c.opened));
  await new Promise((r) => setTimeout(r, 300));
  const published = await feedGateway(nc, jetstream(nc), {
    tenantId,
    deviceId,
    seconds: runSeconds,
    jpeg,
    ...rates,
  });
  await waitFor(
    () =>
      fast.sse.every((c) => results(c).length >= published.analysis.size) &&
      fast.events.every((c) => c.messages.length >= published.events.size) &&
      fast.live.every((c) => c.messages.length >= published.live.size),
    { timeoutMs: 30_000, intervalMs: 100, what: 'every event at every fast client' },
  );
  return { published, latency: fastLatency(fast, published) };
}

function fastLatency(fast: FastClients, published: Published) {
  const sse = fast.sse.flatMap((c) =>
    results(c).map((e) => e.receivedAt - published.analysis.get(JSON.parse(e.data).analysisId)!),
  );
  const events = fast.events.flatMap((c) =>
    c.messages.map((m) => m.receivedAt - published.events.get(JSON.parse(m.text).event_id)!),
  );
  const live = fast.live.flatMap((c) =>
    c.messages.map((m) => m.receivedAt - published.live.get(JSON.parse(m.text).timestamp)!),
  );
  return { sse: summarise(sse), wsEvents: summarise(events), wsLive: summarise(live) };
}

/** Each fast client got exactly what was published: SSE in stream order, nothing twice. */
function expectComplete(fast: FastClients, published: Published) {
  for (const client of fast.sse) {
    const events = results(client);
    expect(new Set(events.map((e) => JSON.parse(e.data).analysisId))).toEqual(
      new Set(published.analysis.keys()),
    );
    expect(events).toHaveLength(published.analysis.size);
    const seqs = events.map((e) => sequenceOf(e.id));
    expect(seqs.every((s, i) => i === 0 || s === seqs[i - 1]! + 1)).toBe(true);
  }
  for (const client of fast.events) {
    expect(client.messages.map((m) => JSON.parse(m.text).event_id).sort()).toEqual(
      [...published.events.keys()].sort(),
    );
  }
  for (const client of fast.live) {
    expect(client.messages.map((m) => JSON.parse(m.text).timestamp)).toEqual([...published.live.keys()]);
  }
}

function closeAll(clients: Array<SseClient | WsClient>) {
  for (const c of clients) c.close();
}

const delta = (before: Sample[], after: Sample[], name: string, where: Record<string, string>) =>
  sumOf(after, name, where) - sumOf(before, name, where);

describe('slow and stalled clients beside fast ones', () => {
  it('fast SSE and WS clients get every event; slow ones are cut off or dropped as documented', async () => {
    // Baseline: only fast clients, after a short unmeasured warm-up (JIT, hub subscriptions).
    const baselineClients = openFast();
    await fastRun(baselineClients, 2);
    for (const c of baselineClients.sse) c.events.length = 0;
    for (const c of [...baselineClients.events, ...baselineClients.live]) c.messages.length = 0;
    const baseline = await fastRun(baselineClients);
    expectComplete(baselineClients, baseline.published);
    closeAll([...baselineClients.sse, ...baselineClients.events, ...baselineClients.live]);
    await new Promise((r) => setTimeout(r, 500));

    // The same fast clients beside stalled and slow ones.
    const before = await scrape(gateway());
    const stalledSse = [0, 1, 2].map(() => openSse(sseUrl(), { apiKey: slowKey, reading: 'stalled' }));
    const slowSse = openSse(sseUrl(), { apiKey: slowKey, reading: slowReaderBytesPerSecond });
    const stalledEvents = [0, 1].map(() => openWs(`${wsBase()}/ws/events`, slowKey, true));
    const stalledLive = openWs(`${wsBase()}/ws/stream/${deviceId}`, slowKey, true);
    await Promise.all([...stalledSse, slowSse].map((c) => c.opened));
    await Promise.all([...stalledEvents, stalledLive].map((c) => c.opened));
    const fast = openFast();
    const loaded = await fastRun(fast);
    expectComplete(fast, loaded.published);

    // Stalled SSE clients: the server ended their streams (slow_client), so a read now ends.
    const stalledEnded = await Promise.all(stalledSse.map((c) => c.drain(10_000)));
    // The slow reader: cut off, or it kept up; either way a resume from its last id completes it.
    const lastSeq = Math.max(...results(fast.sse[0]!).map((e) => sequenceOf(e.id)));
    void slowSse.drain(20_000);
    await waitFor(() => slowSse.ended() || results(slowSse).some((e) => sequenceOf(e.id) === lastSeq), {
      timeoutMs: 20_000,
      what: 'the slow reader to be cut off or to catch up',
    });
    const slowWasCut = slowSse.ended();
    const slowSeqs = results(slowSse).map((e) => sequenceOf(e.id));
    const resumed = await resumeFrom(results(slowSse).at(-1), lastSeq);
    const slowUnion = [...slowSeqs, ...resumed.map((e) => sequenceOf(e.id))];
    // Stalled /ws/events sockets are closed with 4000; the stalled live viewer stays, losing frames.
    const eventCodes = await Promise.all(stalledEvents.map((c) => c.drain(10_000)));
    await stalledLive.drain(1000);
    const after = await scrape(gateway());
    const slowClient = 'sightline_stream_gateway_slow_client_total';
    const counted = {
      sseSlowClientDisconnects: delta(before, after, 'sightline_stream_gateway_disconnects_total', {
        transport: 'sse',
        reason: 'slow_client',
      }),
      wsEventsDisconnects: delta(before, after, slowClient, { transport: 'ws_events', action: 'disconnect' }),
      wsLiveDrops: delta(before, after, slowClient, { transport: 'ws_live', action: 'drop' }),
    };
    closeAll([...fast.sse, ...fast.events, ...fast.live, slowSse, stalledLive]);

    const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
    const figures = {
      machine: await machineNote(),
      seconds,
      rates,
      sseMaxBufferedBytes: maxBufferedBytes,
      clients: {
        fast: { sse: 3, wsEvents: 2, wsLive: 1 },
        slow: {
          stalledSse: 3,
          slowSseBytesPerSecond: slowReaderBytesPerSecond,
          stalledWsEvents: 2,
          stalledWsLive: 1,
        },
      },
      fastLatencyMs: { withoutSlow: baseline.latency, withSlow: loaded.latency },
      p99Ratio: {
        sse: ratio(loaded.latency.sse.p99, baseline.latency.sse.p99),
        wsEvents: ratio(loaded.latency.wsEvents.p99, baseline.latency.wsEvents.p99),
        wsLive: ratio(loaded.latency.wsLive.p99, baseline.latency.wsLive.p99),
      },
      slow: {
        slowSseCut: slowWasCut,
        slowSseEventsBeforeCut: slowSeqs.length,
        slowSseEventsOnResume: resumed.length,
        stalledLiveFramesReceived: stalledLive.messages.length,
        liveFramesPublished: loaded.published.live.size,
        stalledSseEnded: stalledEnded,
        stalledWsEventsCloseCodes: eventCodes,
        counted,
      },
    };
    const path = writeReport('slow-clients', figures);
    console.log(`slow-client figures → ${path}\n${JSON.stringify(figures, null, 2)}`);

    expect(stalledEnded).toEqual(stalledSse.map(() => true));
    expect(counted.sseSlowClientDisconnects).toBe(stalledSse.length + (slowWasCut ? 1 : 0));
    const contiguous = (seqs: number[]) => seqs.every((s, i) => i === 0 || s === seqs[i - 1]! + 1);
    expect(contiguous(slowSeqs)).toBe(true);
    expect(contiguous(slowUnion)).toBe(true);
    expect(slowUnion.at(-1)).toBe(lastSeq);
    expect(eventCodes).toEqual(stalledEvents.map(() => 4000));
    expect(counted.wsEventsDisconnects).toBe(stalledEvents.length);
    expect(stalledLive.closeCode()).toBeUndefined();
    expect(counted.wsLiveDrops).toBeGreaterThan(0);
    expect(stalledLive.messages.length).toBeLessThan(loaded.published.live.size);
  });
});

/** Reconnect with Last-Event-ID and read until the stream's last sequence. */
async function resumeFrom(last: SseEvent | undefined, lastSeq: number): Promise<SseEvent[]> {
  const client = openSse(sseUrl(), { apiKey: slowKey, ...(last?.id ? { lastEventId: last.id } : {}) });
  expect(await client.opened).toBe(200);
  await waitFor(
    () => results(client).some((e) => sequenceOf(e.id) === lastSeq) || last?.id?.endsWith(`-${lastSeq}`),
    {
      timeoutMs: 20_000,
      what: 'the resumed stream to reach the last event',
    },
  );
  client.close();
  return results(client);
}
