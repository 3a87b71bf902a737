import { ControlPlane } from '@sightline/auth';
import { consumers, streams } from '@sightline/contracts';
import { connectNats, manager, type NatsConnection, provisionAll } from '@sightline/nats';
import {
  dataPath,
  modelsDir,
  type RunningStack,
  startNats,
  startStack,
  type TestNats,
  waitFor,
} from '@sightline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { balanceBooks, expectBooksBalance } from './support/books.js';
import { type Camera, CameraFleet, readSequence, to1080p } from './support/cameras.js';
import { pipelineLedger } from './support/ledger.js';
import { scrape } from './support/metrics.js';
import { loadProfile } from './support/profile.js';
import { machineNote, writeReport } from './support/report.js';
import { memoryVerdict, ResourceSampler } from './support/sampler.js';
import { openSse, type SseClient } from './support/sse.js';
import { summarise } from './support/stats.js';

const profile = loadProfile();
const pipeline = ['ingest', 'inference', 'analytics-aggregation', 'stream-gateway'] as const;

let nats: TestNats;
let nc: NatsConnection;
let stack: RunningStack;
let cameras: Camera[];
let operatorKey: string;

beforeAll(async () => {
  nats = await startNats();
  nc = await connectNats({ url: nats.url, name: 'load-overload' });
  await provisionAll(nc);
  const control = await ControlPlane.open(nc);
  const tenant = await control.createTenant(`load-${profile.name}`);
  operatorKey = (
    await control.createApiKey({ tenantId: tenant.tenantId, owner: 'operator', scopes: ['device:read'] })
  ).key;
  const vga = readSequence(dataPath('mot', 'TUD-Campus', 'img1'));
  // A part of the sequence is enough for the 1080p cameras; re-encoding all of it costs seconds.
  const hd = await to1080p(vga.slice(0, 24));
  cameras = [];
  for (let i = 0; i < profile.cameras; i++) {
    const device = await control.createDevice(tenant.tenantId, { name: `cam ${i}`, detectFps: profile.fps });
    const { key } = await control.createApiKey({
      tenantId: tenant.tenantId,
      owner: `camera-${i}`,
      scopes: ['frames:write'],
    });
    cameras.push({
      deviceId: device.deviceId,
      apiKey: key,
      frames: i % profile.hdEvery === profile.hdEvery - 1 ? hd : vga,
      fps: i % profile.fastEvery === profile.fastEvery - 1 ? profile.fps * 2 : profile.fps,
      offset: (i * 7) % vga.length,
    });
  }
  stack = await startStack({
    natsUrl: nats.url,
    services: pipeline,
    env: {
      SIGHTLINE_MODELS_DIR: modelsDir,
      LOG_LEVEL: 'warn',
      FRAME_MAX_AGE_MS: String(profile.frameMaxAgeMs),
    },
  });
});

afterAll(async () => {
  await stack?.stop();
  await nc?.close();
  await nats?.stop();
});

/** What each pipeline consumer still holds: `name: pending/unacked`. */
async function consumerBacklog(): Promise<string[]> {
  const jsm = await manager(nc);
  const frames = await jsm.consumers.info(streams.frames.name, consumers.inference.durable);
  const detections = await jsm.consumers.list(streams.detections.name).next();
  return [frames, ...detections]
    .filter((c) => c.num_pending > 0 || c.num_ack_pending > 0)
    .map((c) => `${c.name}: ${c.num_pending}/${c.num_ack_pending}`);
}

describe(`overload, ${profile.name} profile`, () => {
  it(`${profile.cameras} cameras × ${profile.fps} fps of real JPEGs: load shed by counted reasons, books balance, memory bounded, services ready`, async () => {
    const results = new Map<string, { receivedAt: number; latencyMs?: number }>();
    let duplicatesOnSse = 0;
    const sse: SseClient = openSse(`${stack.urls['stream-gateway']}/api/v1/devices/analysis/stream/all`, {
      apiKey: operatorKey,
      onEvent: (event) => {
        if (event.event !== 'analysis_result') return;
        const result = JSON.parse(event.data) as { frameId?: string; latencyMs?: number };
        if (!result.frameId) return;
        if (results.has(result.frameId)) duplicatesOnSse++;
        else results.set(result.frameId, { receivedAt: event.receivedAt, latencyMs: result.latencyMs });
      },
    });
    expect(await sse.opened).toBe(200);

    const sampler = new ResourceSampler(
      Object.fromEntries(pipeline.map((name) => [name, stack.urls[name]])),
      profile.sampleEveryMs,
    );
    sampler.begin();
    const fleet = new CameraFleet(stack.urls.ingest, cameras);
    const feedStart = Date.now();
    await fleet.run(profile.feedSeconds * 1000);
    const feedSeconds = (Date.now() - feedStart) / 1000;

    // Drain: wait until the consumers hold nothing and the SSE count stops moving.
    let lastCount = -1;
    let backlog: string[] = [];
    await waitFor(
      async () => {
        backlog = await consumerBacklog();
        if (process.env.LOAD_DEBUG) console.log(`drain: held ${backlog.join(', ')}; SSE ${results.size}`);
        const settled = backlog.length === 0 && results.size === lastCount;
        lastCount = results.size;
        return settled;
      },
      { timeoutMs: 60_000, intervalMs: 1000, what: 'the pipeline to drain' },
    ).catch(async (err: Error) => {
      const inference = pipelineLedger({ inference: await scrape(stack.urls.inference) }).inference;
      const info = await (await manager(nc)).consumers.info(streams.frames.name, consumers.inference.durable);
      if (process.env.LOAD_DEBUG) console.log(JSON.stringify(info, null, 1));
      throw new Error(
        `${err.message}; still held: ${backlog.join(', ')}; SSE results ${results.size}; ` +
          `inference ${JSON.stringify(inference)}; its last log lines:\n${stack.logs.inference.slice(-8).join('\n')}`,
      );
    });
    const drainSeconds = (Date.now() - feedStart) / 1000 - feedSeconds;
    await sampler.end();
    sse.close();

    const metrics = Object.fromEntries(
      await Promise.all(pipeline.map(async (name) => [name, await scrape(stack.urls[name])] as const)),
    );
    const ledger = pipelineLedger(metrics);
    const books = balanceBooks({
      counts: fleet.counts,
      accepted: fleet.accepted,
      onSse: results,
      duplicatesOnSse,
      ledger,
    });
    const analysed = fleet.accepted.filter((a) => results.has(a.frameId));
    const endToEndMs = analysed.map((a) => results.get(a.frameId)!.receivedAt - a.acceptedAt);
    const pipelineMs = analysed.map((a) => results.get(a.frameId)!.latencyMs ?? Number.NaN);
    const memory = Object.fromEntries(
      Object.entries(sampler.samples).map(([name, s]) => [name, memoryVerdict(s, profile.memoryToleranceMb)]),
    );
    const notReady = Object.entries(sampler.samples).flatMap(([name, s]) =>
      s.filter((x) => !x.ready).map((x) => `${name}@${x.t}s`),
    );

    const figures = {
      profile,
      machine: await machineNote(),
      feedSeconds,
      drainSeconds,
      offeredFps: cameras.reduce((s, c) => s + c.fps, 0),
      cameras: {
        total: cameras.length,
        hd1080p: cameras.filter((c) => c.frames[0]!.length > 100_000).length,
      },
      client: fleet.counts,
      books,
      ledger,
      analysedPerSecond: Math.round((analysed.length / feedSeconds) * 10) / 10,
      latencyMs: {
        acceptToSse: summarise(endToEndMs),
        acceptToAnalyticsPublish: summarise(pipelineMs.filter(Number.isFinite)),
      },
      memory,
      rssOverTime: sampler.samples,
      notReady,
    };
    const path = writeReport(`overload-${profile.name}`, figures);
    console.log(
      `overload figures → ${path}\n${JSON.stringify({ ...figures, rssOverTime: undefined }, null, 2)}`,
    );

    // Ingest's own count of published frames is what the cameras were told was accepted.
    expect(ledger.ingest.published).toBe(books.accepted);
    // Pacing skipped the frames of the cameras pushing above their detect fps, each counted by reason.
    expect(fleet.counts.skippedByPacing).toBeGreaterThan(0);
    expect(ledger.ingest.skippedByReason.above_detect_fps).toBe(fleet.counts.skippedByPacing);
    expectBooksBalance(books);
    // Memory stops growing after warm-up, and every service stayed ready.
    for (const [name, verdict] of Object.entries(memory)) expect(verdict.bounded, `${name} RSS`).toBe(true);
    expect(notReady).toEqual([]);
  });
});
