import { jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { streams } from '@sightline/contracts';
import { startNats, type TestNats, waitFor } from '@sightline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectNats,
  JsonBucket,
  manager,
  type Outcome,
  outcome,
  provisionAll,
  provisionConsumer,
  publishJson,
  startConsumeLoop,
} from '../src/index.js';

let nats: TestNats;
beforeAll(async () => {
  nats = await startNats();
});
afterAll(async () => {
  await nats?.stop();
});

describe('provisioning', () => {
  it('creates streams and buckets idempotently', async () => {
    const nc = await connectNats({ url: nats.url, name: 'test' });
    await provisionAll(nc);
    await provisionAll(nc);
    const bucket = await JsonBucket.open<{ n: number }>(nc, 'devices');
    await bucket.put('t1.d1', { n: 1 });
    expect(await bucket.get('t1.d1')).toEqual({ n: 1 });
    expect(await bucket.keys('t1.>')).toEqual(['t1.d1']);
    await nc.drain();
  });

  it('fails clearly when the server has no JetStream', async () => {
    if (!nats.server) return; // external NATS_URL: cannot start a server without JetStream
    const { findNatsServerBinary, freePort } = await import('@sightline/testing');
    const { spawn } = await import('node:child_process');
    const port = await freePort();
    const proc = spawn(findNatsServerBinary()!, ['-a', '127.0.0.1', '-p', String(port)]);
    try {
      const nc = await waitFor(() => connect({ servers: `127.0.0.1:${port}` }), {
        what: 'plain nats-server',
      });
      await expect(provisionAll(nc)).rejects.toThrow(/no JetStream/);
      await nc.close();
    } finally {
      proc.kill();
    }
  });
});

/** A connection and a fresh durable consumer on `analysis.<topic>.>` for one consume-loop test. */
async function loopConsumer(topic: string, ackWaitMs = 5000) {
  const nc = await connectNats({ url: nats.url, name: `test-${topic}` });
  await provisionAll(nc);
  const durable = `${topic}-test`;
  await provisionConsumer(nc, {
    stream: streams.analysis.name,
    durable,
    filterSubjects: [`analysis.${topic}.>`],
    ackWaitMs,
    maxDeliver: 5,
    maxAckPending: 10,
  });
  return { nc, js: jetstream(nc), durable };
}

describe('consume loop', () => {
  it('acks, retries and drops by outcome, dedupes by Nats-Msg-Id', async () => {
    const { nc, js, durable } = await loopConsumer('loop');
    const first = await publishJson(js, 'analysis.loop.d1', { n: 1 }, { msgId: 'loop-1' });
    const repeat = await publishJson(js, 'analysis.loop.d1', { n: 1 }, { msgId: 'loop-1' });
    expect(repeat.duplicate).toBe(true);
    expect(repeat.seq).toBe(first.seq);
    await publishJson(js, 'analysis.loop.d1', { n: 2 }, { msgId: 'loop-2' });
    await publishJson(js, 'analysis.loop.d1', { n: 3 }, { msgId: 'loop-3' });

    const seen: Array<[number, string]> = [];
    let attemptsOf2 = 0;
    const loop = await startConsumeLoop({
      js,
      stream: streams.analysis.name,
      durable,
      handler: async (msg) => {
        const { n } = msg.json<{ n: number }>();
        if (n === 2 && ++attemptsOf2 < 2) return outcome.retry('first try fails', 10);
        if (n === 3) throw new Error('boom');
        return outcome.ack();
      },
      onOutcome: (o: Outcome, msg) => seen.push([msg.json<{ n: number }>().n, o.kind]),
    });
    await waitFor(() => seen.filter(([n]) => n === 3).length >= 2, {
      what: 'retries of the throwing handler',
    });
    await loop.stop();
    expect(seen.filter(([n, k]) => n === 1 && k === 'ack')).toHaveLength(1);
    expect(seen.filter(([n]) => n === 2).map(([, k]) => k)).toEqual(['retry', 'ack']);
    expect(seen.find(([n]) => n === 3)?.[1]).toBe('retry');
    await nc.drain();
  });

  it('a dropped message is terminated: never redelivered, not left unacked', async () => {
    const { nc, js, durable } = await loopConsumer('drop', 500);
    await publishJson(js, 'analysis.drop.d1', { n: 1 }, { msgId: 'drop-1' });
    let deliveries = 0;
    const loop = await startConsumeLoop({
      js,
      stream: streams.analysis.name,
      durable,
      handler: async () => {
        deliveries++;
        return outcome.drop('stale');
      },
    });
    await waitFor(() => deliveries >= 1, { what: 'the delivery' });
    // Well past the ack wait: a message left unacked would have come back by now.
    await new Promise((r) => setTimeout(r, 1500));
    await loop.stop();
    const info = await (await manager(nc)).consumers.info(streams.analysis.name, durable);
    expect(deliveries).toBe(1);
    expect(info.num_ack_pending).toBe(0);
    await nc.drain();
  });

  it('pulls on while a deferred outcome is pending, then settles it', async () => {
    const { nc, js, durable } = await loopConsumer('deferred');
    await publishJson(js, 'analysis.deferred.d1', { n: 1 }, { msgId: 'deferred-1' });
    await publishJson(js, 'analysis.deferred.d2', { n: 2 }, { msgId: 'deferred-2' });
    // Message 1 settles only once message 2 has been handled: a loop that waited for 1 would hang.
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const handled: number[] = [];
    const settled: Array<[number, string]> = [];
    const loop = await startConsumeLoop({
      js,
      stream: streams.analysis.name,
      durable,
      handler: async (msg) => {
        const { n } = msg.json<{ n: number }>();
        handled.push(n);
        if (n === 1) return outcome.deferred(gate.then(() => outcome.ack()));
        release();
        return outcome.ack();
      },
      onOutcome: (o: Outcome, msg) => settled.push([msg.json<{ n: number }>().n, o.kind]),
    });
    await waitFor(() => settled.length === 2, { what: 'both messages settled' });
    await loop.stop();
    expect(handled).toEqual([1, 2]);
    expect(settled.sort()).toEqual([
      [1, 'ack'],
      [2, 'ack'],
    ]);
    const info = await (await manager(nc)).consumers.info(streams.analysis.name, durable);
    expect(info.num_ack_pending).toBe(0);
    await nc.drain();
  });
  it('a freed deferred message gives up its working slot but counts until settled', async () => {
    const { nc, js, durable } = await loopConsumer('freed');
    for (const n of [1, 2, 3, 4, 5]) {
      await publishJson(js, `analysis.freed.d${n}`, { n }, { msgId: `freed-${n}` });
    }
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const handled: number[] = [];
    const acked: number[] = [];
    const loop = await startConsumeLoop({
      js,
      stream: streams.analysis.name,
      durable,
      maxDeferred: 1,
      maxUnsettled: 3,
      handler: async (msg) => {
        const { n } = msg.json<{ n: number }>();
        handled.push(n);
        // Freed at once, settled only at the gate: one working slot, three unsettled at most.
        return outcome.deferred(
          gate.then(() => outcome.ack()),
          Promise.resolve(),
        );
      },
      onOutcome: (o: Outcome, msg) => {
        if (o.kind === 'ack') acked.push(msg.json<{ n: number }>().n);
      },
    });
    await waitFor(() => handled.length === 3, { what: 'three messages taken' });
    await new Promise((r) => setTimeout(r, 200));
    // Without `freed` one message would be in hand; with it, as many as maxUnsettled.
    expect(handled).toEqual([1, 2, 3]);
    expect(acked).toEqual([]);
    release();
    await waitFor(() => acked.length === 5, { what: 'all five settled' });
    await loop.stop();
    expect(handled).toEqual([1, 2, 3, 4, 5]);
    await nc.drain();
  });
});
