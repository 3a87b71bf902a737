import type { ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import { type AnalysisResult, subjects } from '@sightline/contracts';
import { describe, expect, it } from 'vitest';
import { EventBatch, JsHub } from '../../src/adapters/js-hub.js';
import type { StreamMessage } from '../../src/adapters/js-message.js';
import { SseSession } from '../../src/adapters/sse-session.js';
import { type AnalysisEvent, analysisDecoder, batchFrames } from '../../src/domain/analysis-event.js';
import { type DetectionFilter, noFilter, parseFilter } from '../../src/domain/filters.js';

const device = 'cam-1';
const subject = subjects.analysis('t1', device);
const nextTurn = () => new Promise((r) => setImmediate(r));
/** Two turns: the hub's batch, then the coalescer's flush of what the batch wrote. */
const settle = async () => {
  await nextTurn();
  await nextTurn();
};

function result(n: number, types: string[] = ['person']): AnalysisResult {
  return {
    deviceId: device,
    analysisId: `a-${n}`,
    sceneId: device,
    timestamp: '2026-12-02T10:00:00.000Z',
    detections: types.map((type) => ({ type, confidence: 0.9 })),
  };
}

function message(seq: number, types?: string[]): StreamMessage {
  return {
    seq,
    subject,
    data: Buffer.from(JSON.stringify(result(seq, types))),
    storedAtMs: Date.now(),
  };
}

const decode = analysisDecoder(device);
function event(seq: number, types?: string[]): AnalysisEvent {
  const decoded = decode(message(seq, types));
  if ('drop' in decoded) throw new Error(decoded.drop);
  return decoded.event;
}

/**
 * A stand-in for the ServerResponse: a real Writable (so cork/uncork/writableLength behave as
 * Node's do) that records every `write()` call and every chunk its "socket" receives. With
 * `stuck`, the socket never accepts anything: a client that does not read.
 */
class FakeResponse extends Writable {
  readonly calls: (string | Buffer)[] = [];
  readonly received: string[] = [];
  readonly socket = { destroyed: false, destroy: () => undefined };
  ended: string | undefined;

  constructor(private readonly stuck = false) {
    super({
      writev: (chunks, done) => {
        if (this.stuck) return;
        this.received.push(chunks.map((c) => String(c.chunk)).join(''));
        done();
      },
      write: (chunk, _enc, done) => {
        if (this.stuck) return;
        this.received.push(String(chunk));
        done();
      },
    });
  }

  override write(chunk: string | Buffer): boolean {
    this.calls.push(chunk);
    return super.write(chunk);
  }

  override end(chunk?: unknown): this {
    this.ended = String(chunk);
    return this;
  }

  /** The ids of the analysis_result events received, in order. */
  get ids(): string[] {
    return [...this.received.join('').matchAll(/^id: (.+)$/gm)].map((m) => m[1]!);
  }
}

interface Harness {
  res: FakeResponse;
  session: SseSession;
  delivered: () => number;
  endedWith: () => string | undefined;
}

function session(
  options: {
    filter?: DetectionFilter;
    maxQueuedEvents?: number;
    maxBufferedBytes?: number;
    stuck?: boolean;
  } = {},
): Harness {
  const res = new FakeResponse(options.stuck);
  let delivered = 0;
  let reason: string | undefined;
  const s = new SseSession({
    res: res as unknown as ServerResponse,
    filter: options.filter ?? noFilter,
    maxQueuedEvents: options.maxQueuedEvents ?? 100,
    maxBufferedBytes: options.maxBufferedBytes ?? 1024 * 1024,
    now: Date.now,
    onDelivered: (n) => {
      delivered += n;
    },
    onEnd: (r) => {
      reason = r;
    },
  });
  return { res, session: s, delivered: () => delivered, endedWith: () => reason };
}

/** A hub that is never started: messages are fed to `receive` as its consumer would. */
function hub(onFanOut?: (e: AnalysisEvent, n: number) => void, minBatchIntervalMs?: number) {
  const drops: string[] = [];
  const h = new JsHub<AnalysisEvent>({
    js: {} as never,
    positions: {} as never,
    stream: 'ANALYSIS',
    filter: subject,
    decode,
    logger: {} as never,
    onDrop: (reason) => drops.push(reason),
    onFanOut,
    ...(minBatchIntervalMs === undefined ? {} : { minBatchIntervalMs }),
  });
  return { hub: h, drops };
}

describe('JsHub batches', () => {
  it('hands the events of one turn to each subscriber as one batch, in order, at the end of the turn', async () => {
    const fanOut: number[] = [];
    const { hub: h } = hub((e) => fanOut.push(e.seq));
    const batches: number[][] = [];
    h.attach({ onBatch: (b) => batches.push(b.events.map((e) => e.seq)) });
    for (const seq of [1, 2, 3]) h.receive(message(seq));
    h.receive(message(2)); // a redelivery
    expect(batches).toEqual([]);
    await nextTurn();
    h.receive(message(4));
    await nextTurn();
    expect(batches).toEqual([[1, 2, 3], [4]]);
    expect(fanOut).toEqual([1, 2, 3, 4]);
  });

  it('with minBatchIntervalMs, hands out a quiet stream at once and a busy one at most once per interval', async () => {
    const { hub: h } = hub(undefined, 40);
    const batches: { seqs: number[]; at: number }[] = [];
    h.attach({ onBatch: (b) => batches.push({ seqs: b.events.map((e) => e.seq), at: performance.now() }) });
    h.receive(message(1));
    await nextTurn();
    // The first batch of a quiet stream goes out at the end of its turn, as without an interval.
    expect(batches.map((b) => b.seqs)).toEqual([[1]]);
    // Events arriving turn after turn inside the interval wait for it and go out as one batch.
    for (const seq of [2, 3, 4]) {
      h.receive(message(seq));
      await nextTurn();
    }
    expect(batches).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 60));
    expect(batches.map((b) => b.seqs)).toEqual([[1], [2, 3, 4]]);
    // (timers may fire up to a millisecond early on the performance clock)
    expect(batches[1]!.at - batches[0]!.at).toBeGreaterThanOrEqual(38);
    // Once the interval has passed since the last batch, the next event goes out at once again.
    await new Promise((r) => setTimeout(r, 45));
    h.receive(message(5));
    await nextTurn();
    expect(batches.map((b) => b.seqs)).toEqual([[1], [2, 3, 4], [5]]);
    expect(h.lastSeq).toBe(5);
  });

  it('stop() cancels a batch waiting for its interval', async () => {
    const { hub: h } = hub(undefined, 20);
    const got: number[] = [];
    h.attach({ onBatch: (b) => got.push(...b.events.map((e) => e.seq)) });
    h.receive(message(1));
    await nextTurn();
    h.receive(message(2));
    h.stop();
    await new Promise((r) => setTimeout(r, 40));
    expect(got).toEqual([1]);
  });

  it('joins a subscriber at the position handed out so far: the batch not yet handed out is its', async () => {
    const { hub: h, drops } = hub();
    h.receive(message(1));
    await nextTurn();
    h.receive(message(2));
    h.receive({ ...message(3), data: Buffer.from('{') });
    const got: number[] = [];
    // Attached while 2 (and the dropped 3) wait for the end of the turn: it joins at 1 and gets 2.
    expect(h.attach({ onBatch: (b) => got.push(...b.events.map((e) => e.seq)) })).toBe(1);
    await nextTurn();
    expect(got).toEqual([2]);
    expect(h.lastSeq).toBe(3);
    expect(drops).toEqual(['invalid_json']);
    // A drop with nothing waiting before it moves the position at once.
    h.receive({ ...message(4), data: Buffer.from('{') });
    expect(h.lastSeq).toBe(4);
  });
});

describe('SSE sessions written per batch', () => {
  it('writes a live client once per batch, the frames in seq order, counting each event', async () => {
    const a = session();
    a.session.goLive();
    const batch = new EventBatch([1, 2, 3, 4, 5].map((seq) => event(seq)));
    a.session.onBatch(batch);
    await settle();
    expect(a.res.calls).toHaveLength(1);
    expect(a.res.ids).toEqual([1, 2, 3, 4, 5].map((s) => `${device}-${s}`));
    expect(a.res.received).toHaveLength(1);
    expect(a.delivered()).toBe(5);
    expect(a.session.lastSentSeq).toBe(5);
  });

  it('builds the bytes once per (batch, filter) and shares them with every client of that filter', async () => {
    const cars = parseFilter({ types: 'car' });
    const [p1, p2, c1] = [session(), session(), session({ filter: cars })];
    for (const h of [p1, p2, c1]) h.session.goLive();
    const batch = new EventBatch([event(1, ['person']), event(2, ['car', 'person']), event(3, ['person'])]);
    let built = 0;
    const original = batch.shared.bind(batch);
    batch.shared = (key, build) =>
      original(key, (events) => {
        built++;
        return build(events);
      });
    for (const h of [p1, p2, c1]) h.session.onBatch(batch);
    await settle();
    expect(built).toBe(2);
    expect(p1.res.calls[0]).toBe(p2.res.calls[0]);
    expect(p1.res.ids).toEqual([`${device}-1`, `${device}-2`, `${device}-3`]);
    // The car filter keeps one event (with only its car) and counts one delivery.
    expect(c1.res.ids).toEqual([`${device}-2`]);
    expect(String(c1.res.calls[0])).not.toContain('person');
    expect([p1.delivered(), p2.delivered(), c1.delivered()]).toEqual([3, 3, 1]);
    // A batch the filter leaves empty writes nothing and is not activity, but moves the position.
    c1.session.lastActivityAt = 0;
    c1.session.onBatch(new EventBatch([event(4, ['person'])]));
    await settle();
    expect(c1.res.calls).toHaveLength(1);
    expect(c1.session.lastActivityAt).toBe(0);
    expect(c1.session.lastSentSeq).toBe(4);
  });

  it('writes each event once across the replay/live overlap: held batches after the replay, the tail only', async () => {
    const h = session();
    // Held while replaying: the hub's batches wait.
    h.session.onBatch(new EventBatch([event(3), event(4)]));
    h.session.onBatch(new EventBatch([event(5), event(6)]));
    expect(h.res.calls).toHaveLength(0);
    // The replay reached 4 (it read what the hub also had).
    for (const seq of [1, 2, 3, 4]) h.session.deliver(event(seq));
    h.session.goLive();
    h.session.onBatch(new EventBatch([event(6), event(7)])); // 6 again, from a second batch
    h.session.onBatch(new EventBatch([event(5)])); // older than what was sent
    await settle();
    expect(h.res.ids).toEqual([1, 2, 3, 4, 5, 6, 7].map((s) => `${device}-${s}`));
    expect(h.delivered()).toBe(7);
  });

  it("names the next event it will write for a replay's reset: held first, then the hub's upcoming batch", () => {
    const cars = parseFilter({ types: 'car' });
    const h = session({ filter: cars });
    h.session.lastSentSeq = 2;
    expect(h.session.nextEventId([event(3, ['car'])])).toBe(`${device}-3`);
    h.session.onBatch(new EventBatch([event(2, ['car']), event(3), event(4, ['car'])]));
    // 2 was written already and 3 is no car: the held 4 comes next, before anything upcoming.
    expect(h.session.nextEventId([event(5, ['car'])])).toBe(`${device}-4`);
    expect(session({ filter: cars }).session.nextEventId([event(6)])).toBeNull();
  });

  it('writes the part of a shared batch a client does not have yet', async () => {
    const [fresh, resumed] = [session(), session()];
    fresh.session.goLive();
    resumed.session.lastSentSeq = 2;
    resumed.session.goLive();
    const batch = new EventBatch([1, 2, 3, 4].map((seq) => event(seq)));
    fresh.session.onBatch(batch);
    resumed.session.onBatch(batch);
    await settle();
    expect(fresh.res.ids).toEqual([1, 2, 3, 4].map((s) => `${device}-${s}`));
    expect(resumed.res.ids).toEqual([`${device}-3`, `${device}-4`]);
    expect(resumed.delivered()).toBe(2);
    expect(String(resumed.res.calls[0]).startsWith('event: analysis_result\nid: cam-1-3\n')).toBe(true);
  });

  it('cuts off a client whose held queue passes maxQueuedEvents during a replay', () => {
    const h = session({ maxQueuedEvents: 3 });
    h.session.onBatch(new EventBatch([event(1), event(2)]));
    expect(h.endedWith()).toBeUndefined();
    h.session.onBatch(new EventBatch([event(3), event(4)]));
    expect(h.endedWith()).toBe('slow_client');
    expect(h.res.ended).toBe('event: disconnect\ndata: {"reason":"slow_client"}\n\n');
    expect(h.res.calls).toHaveLength(0);
  });

  it('cuts off a client that does not read once its unsent bytes pass maxBufferedBytes; the others go on', async () => {
    const stalled = session({ stuck: true, maxBufferedBytes: 4096 });
    const reader = session({ maxBufferedBytes: 4096 });
    for (const h of [stalled, reader]) h.session.goLive();
    let seq = 0;
    let rounds = 0;
    while (!stalled.endedWith() && rounds++ < 100) {
      const batch = new EventBatch(Array.from({ length: 5 }, () => event(++seq)));
      stalled.session.onBatch(batch);
      reader.session.onBatch(batch);
      await settle();
    }
    expect(stalled.endedWith()).toBe('slow_client');
    expect(stalled.res.ended).toBe('event: disconnect\ndata: {"reason":"slow_client"}\n\n');
    // The batch that found it over the bound was not written, nor counted.
    expect(stalled.delivered()).toBe(seq - 5);
    expect(reader.endedWith()).toBeUndefined();
    expect(reader.delivered()).toBe(seq);
    expect(reader.res.ids).toHaveLength(seq);
  });

  it('hub → sessions: one write per client per turn, sharing the bytes, latency observed per event', async () => {
    const observed: number[] = [];
    const { hub: h } = hub((e, n) => observed.push(e.seq * 10 + n));
    const clients = [session(), session(), session()];
    for (const c of clients) {
      h.attach(c.session);
      c.session.goLive();
    }
    for (let seq = 1; seq <= 4; seq++) h.receive(message(seq));
    await settle();
    for (const c of clients) {
      expect(c.res.calls).toHaveLength(1);
      expect(c.res.ids).toEqual([1, 2, 3, 4].map((s) => `${device}-${s}`));
    }
    expect(clients[0]!.res.calls[0]).toBe(clients[2]!.res.calls[0]);
    expect(observed).toEqual([13, 23, 33, 43]);
  });

  it('concatenates the frames a filter keeps and records where each starts', () => {
    const events = [event(1, ['car']), event(2, ['person']), event(3, ['car'])];
    const frames = batchFrames(events, parseFilter({ types: 'car' }));
    expect(frames.seqs).toEqual([1, 3]);
    const text = frames.bytes.toString();
    expect(
      frames.bytes
        .subarray(frames.starts[1])
        .toString()
        .startsWith(`event: analysis_result\nid: ${device}-3\n`),
    ).toBe(true);
    expect(text.match(/^id: /gm)).toHaveLength(2);
  });
});
