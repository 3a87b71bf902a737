/**
 * Two inference workers on one durable consumer: the frames are split between them, and when one
 * dies mid-way its unacked frames are redelivered to the other after the ack wait. Every frame
 * ends up analysed exactly once on DETECTIONS (a repeated publish is deduplicated by Nats-Msg-Id).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { type ConsumerSpec, consumers, type DetectionBatch, streams } from '@sightline/contracts';
import { connectNats, jetstream, manager, type NatsConnection } from '@sightline/nats';
import type { ServiceApp, ServiceRuntime } from '@sightline/service-kit';
import { dataPath, startNats, type TestNats, waitFor } from '@sightline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { publishFrame, testConfig, testRuntime } from './helpers.js';

const FRAMES = 40;
const consumer: ConsumerSpec = {
  ...consumers.inference,
  filterSubjects: [...consumers.inference.filterSubjects],
  durable: 'inference-replicas-test',
  ackWaitMs: 2_000,
};
const images = readdirSync(dataPath('images'))
  .filter((f) => f.endsWith('.jpg'))
  .map((f) => readFileSync(dataPath('images', f)));

let nats: TestNats;
let publisher: NatsConnection;
const workers: { runtime: ServiceRuntime; app: ServiceApp }[] = [];

function metric(text: string, name: string, label = ''): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(label));
  return line ? Number(line.split(' ').pop()) : 0;
}
const analysed = async (w: { runtime: ServiceRuntime }) =>
  metric(await w.runtime.registry.metrics(), 'sightline_inference_frames_total', 'outcome="analysed"');

async function storedBatches(): Promise<DetectionBatch[]> {
  const jsm = await manager(publisher);
  const { state } = await jsm.streams.info(streams.detections.name);
  const out: DetectionBatch[] = [];
  for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq++) {
    const m = await jsm.streams.getMessage(streams.detections.name, { seq });
    if (m) out.push(m.json<DetectionBatch>());
  }
  return out;
}

beforeAll(async () => {
  nats = await startNats();
  publisher = await connectNats({ url: nats.url, name: 'test-publisher' });
  for (let i = 0; i < 2; i++) {
    const runtime = await testRuntime(nats.url);
    const config = testConfig(nats.url, {
      MOTION_GATING: 'false',
      LIVE_FRAMES: 'false',
      PIPELINE_DEPTH: '2',
    });
    const app = await buildApp(runtime, config, { consumer });
    workers.push({ runtime, app });
  }
  for (const w of workers) await w.app.start();
});

afterAll(async () => {
  for (const w of workers) {
    await w.app.stop().catch(() => undefined);
    if (!w.runtime.nc.isClosed()) await w.runtime.nc.close();
  }
  await publisher?.close();
  await nats?.stop();
});

describe('two workers on one durable consumer', () => {
  it('analyses every frame exactly once, none lost when one worker dies mid-way', async () => {
    const [victim, survivor] = workers as [(typeof workers)[0], (typeof workers)[0]];
    const js = jetstream(publisher);
    const published: string[] = [];
    for (let i = 0; i < FRAMES; i++) {
      const meta = await publishFrame(js, images[i % images.length]!, {
        tenantId: 'acme',
        deviceId: `cam-${i % 4}`,
      });
      published.push(meta.frameId);
    }

    // Let the victim take part, then kill its connection without acking what it holds.
    await waitFor(async () => (await analysed(victim)) >= 3, { what: 'the first worker to analyse frames' });
    await victim.runtime.nc.close();
    const victimAnalysed = await analysed(victim);
    expect(victimAnalysed).toBeLessThan(FRAMES);

    const batches = await waitFor(
      async () => {
        const found = await storedBatches();
        return new Set(found.map((b) => b.frameId)).size === FRAMES ? found : undefined;
      },
      { timeoutMs: 45_000, what: `all ${FRAMES} frames on DETECTIONS` },
    );
    // Exactly once: one stored batch per frame, and exactly the frames published.
    expect(batches).toHaveLength(FRAMES);
    expect(new Set(batches.map((b) => b.frameId))).toEqual(new Set(published));
    // Both took part; the survivor picked up the victim's unacked frames after the ack wait.
    expect(await analysed(survivor)).toBeGreaterThan(0);
    expect(
      metric(await survivor.runtime.registry.metrics(), 'sightline_inference_frames_redelivered_total'),
    ).toBeGreaterThan(0);
    // The shared consumer has nothing left pending.
    const info = await (await manager(publisher)).consumers.info(consumer.stream, consumer.durable);
    expect(info.num_pending + info.num_ack_pending).toBe(0);
  });
});
