/**
 * The soak, by hand only (`LOAD_PROFILE=soak SOAK_MINUTES=30 pnpm vitest run --project load soak`):
 * steady real frames below the detector's capacity through the whole pipeline for minutes;
 * every process's RSS sampled; asserted: memory levels off after warm-up, the books balance,
 * every service stays ready. Skipped in CI (the short profile).
 */
import { ControlPlane } from '@sightline/auth';
import { connectNats, type NatsConnection, provisionAll } from '@sightline/nats';
import {
  dataPath,
  modelsDir,
  type RunningStack,
  serviceNames,
  startNats,
  startStack,
  type TestNats,
} from '@sightline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { balanceBooks, expectBooksBalance } from './support/books.js';
import { type AcceptedFrame, type Camera, CameraFleet, readSequence } from './support/cameras.js';
import { waitForPipelineDrain } from './support/drain.js';
import { pipelineLedger } from './support/ledger.js';
import { scrape } from './support/metrics.js';
import { plateauVerdict } from './support/plateau.js';
import { pidWithArgument } from './support/proc.js';
import { isSoak, soakProfile } from './support/profile.js';
import { machineNote, writeReport } from './support/report.js';
import { openResumingSse } from './support/resuming-sse.js';
import { ResourceSampler } from './support/sampler.js';
import { round, summarise } from './support/stats.js';

const profile = soakProfile();

/** Latency and analysed rate in each third of the feed: a slow leak shows as drift here too. */
function byThird(analysed: AcceptedFrame[], onSse: Map<string, number>, start: number, ms: number) {
  return [0, 1, 2].map((third) => {
    const from = start + (third * ms) / 3;
    const to = from + ms / 3;
    const inThird = analysed.filter((a) => a.acceptedAt >= from && a.acceptedAt < to);
    return {
      third: third + 1,
      analysedPerSecond: round(inThird.length / (ms / 3000)),
      acceptToSseMs: summarise(inThird.map((a) => onSse.get(a.frameId)! - a.acceptedAt)),
    };
  });
}

describe.skipIf(!isSoak())(`soak, ${profile.minutes} min`, () => {
  let nats: TestNats;
  let nc: NatsConnection;
  let stack: RunningStack;
  let cameras: Camera[];
  let operatorKey: string;

  beforeAll(async () => {
    nats = await startNats();
    nc = await connectNats({ url: nats.url, name: 'load-soak' });
    await provisionAll(nc);
    const control = await ControlPlane.open(nc);
    const tenant = await control.createTenant('load-soak');
    operatorKey = (
      await control.createApiKey({ tenantId: tenant.tenantId, owner: 'operator', scopes: ['device:read'] })
    ).key;
    const frames = readSequence(dataPath('mot', 'TUD-Campus', 'img1'));
    cameras = [];
    for (let i = 0; i < profile.cameras; i++) {
      const device = await control.createDevice(tenant.tenantId, {
        name: `soak ${i}`,
        detectFps: profile.fps,
      });
      const { key } = await control.createApiKey({
        tenantId: tenant.tenantId,
        owner: `camera-${i}`,
        scopes: ['frames:write'],
      });
      cameras.push({ deviceId: device.deviceId, apiKey: key, frames, fps: profile.fps, offset: i * 17 });
    }
    // Every service, chat-llm too (idle here): its memory is sampled like the others'.
    stack = await startStack({
      natsUrl: nats.url,
      services: serviceNames,
      env: { SIGHTLINE_MODELS_DIR: modelsDir, LOG_LEVEL: 'warn' },
    });
  });

  afterAll(async () => {
    await stack?.stop();
    await nc?.close();
    await nats?.stop();
  });

  it('steady real frames below capacity: every process levels off after warm-up, books balance, always ready', {
    timeout: profile.minutes * 60_000 + 600_000,
  }, async () => {
    const onSse = new Map<string, number>();
    let duplicatesOnSse = 0;
    const sse = openResumingSse(
      `${stack.urls['stream-gateway']}/api/v1/devices/analysis/stream/all`,
      operatorKey,
      (event) => {
        if (event.event !== 'analysis_result') return;
        const frameId = (JSON.parse(event.data) as { frameId?: string }).frameId;
        if (!frameId) return;
        if (onSse.has(frameId)) duplicatesOnSse++;
        else onSse.set(frameId, event.receivedAt);
      },
    );
    expect(await sse.opened).toBe(200);

    const natsPid = nats.server ? pidWithArgument(nats.server.storeDir) : undefined;
    const sampler = new ResourceSampler(
      Object.fromEntries(serviceNames.map((name) => [name, stack.urls[name]])),
      profile.sampleEveryMs,
      natsPid ? { 'nats-server': natsPid } : {},
    );
    sampler.begin();
    const fleet = new CameraFleet(stack.urls.ingest, cameras);
    const feedStart = Date.now();
    const feedMs = profile.minutes * 60_000;
    await fleet.run(feedMs);
    const feedSeconds = (Date.now() - feedStart) / 1000;
    await waitForPipelineDrain(nc, () => onSse.size);
    await sampler.end();
    sse.close();

    const metrics = Object.fromEntries(
      await Promise.all(serviceNames.map(async (name) => [name, await scrape(stack.urls[name])] as const)),
    );
    const ledger = pipelineLedger(metrics);
    const books = balanceBooks({
      counts: fleet.counts,
      accepted: fleet.accepted,
      onSse,
      duplicatesOnSse,
      ledger,
    });
    const analysed = fleet.accepted.filter((a) => onSse.has(a.frameId));
    const memory = Object.fromEntries(
      Object.entries(sampler.samples).map(([name, s]) => [
        name,
        plateauVerdict(s, profile.warmupSeconds, profile.memoryToleranceMb),
      ]),
    );
    const notReady = Object.entries(sampler.samples).flatMap(([name, s]) =>
      s.filter((x) => !x.ready).map((x) => `${name}@${x.t}s`),
    );
    const figures = {
      profile,
      machine: await machineNote(),
      feedSeconds,
      offeredFps: profile.cameras * profile.fps,
      client: fleet.counts,
      books,
      analysedShare: round(analysed.length / Math.max(1, books.accepted), 3),
      sseReconnects: sse.reconnects(),
      ledger,
      latencyMs: summarise(analysed.map((a) => onSse.get(a.frameId)! - a.acceptedAt)),
      byThird: byThird(analysed, onSse, feedStart, feedMs),
      memory,
      rssOverTime: sampler.samples,
      notReady,
    };
    const path = writeReport('soak', figures);
    console.log(`soak figures → ${path}\n${JSON.stringify({ ...figures, rssOverTime: undefined }, null, 2)}`);

    expect(ledger.ingest.published).toBe(books.accepted);
    expectBooksBalance(books);
    for (const [name, verdict] of Object.entries(memory)) expect(verdict.bounded, `${name} RSS`).toBe(true);
    expect(notReady).toEqual([]);
  });
});
