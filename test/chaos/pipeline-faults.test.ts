import { randomUUID } from 'node:crypto';
import { connectNats, type NatsConnection, provisionAll } from '@sightline/nats';
import {
  dataPath,
  findNatsServerBinary,
  modelsDir,
  type NatsServerHandle,
  type RunningStack,
  type ServiceName,
  spawnNatsServer,
  startStack,
  waitFor,
} from '@sightline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTenant, type TenantFixture } from '../e2e/support.js';
import { FrameFeeder, sequenceFrames } from '../support/frame-feeder.js';
import { checkExactlyOnce, SseCollector } from '../support/sse-collector.js';

// These tests kill and restart the nats-server process, so they need one they own.
const binary = findNatsServerBinary();

let server: NatsServerHandle;
let nc: NatsConnection;
let stack: RunningStack;
let tenant: TenantFixture;
const frames = sequenceFrames(dataPath('mot', 'TUD-Campus', 'img1'), 71);

beforeAll(async () => {
  if (!binary) return;
  server = await spawnNatsServer({ binary });
  nc = await connectNats({ url: server.url, name: 'chaos' });
  await provisionAll(nc);
  tenant = await makeTenant(nc, 'chaos');
  stack = await startStack({
    natsUrl: server.url,
    env: { SIGHTLINE_MODELS_DIR: modelsDir, LOG_LEVEL: 'warn', FRAME_MAX_AGE_MS: '600000', PACING: 'off' },
  });
});

afterAll(async () => {
  await stack?.stop();
  await nc?.close();
  await server?.stop();
});

async function runScenario(fault: (index: number) => Promise<void>, count: number) {
  const gateway = stack.urls['stream-gateway'];
  const sse = new SseCollector(
    () => `${gateway}/api/v1/devices/${tenant.deviceId}/analysis/stream`,
    tenant.keys.readOnly,
  );
  await sse.opened();
  const feeder = new FrameFeeder(
    () => stack.urls.ingest,
    tenant.keys.framesOnly,
    tenant.deviceId,
    randomUUID(),
  );
  await feeder.feed(frames.slice(0, count), 5, fault);
  const accepted = feeder.accepted.map((a) => a.frameId);
  // Redelivery after a killed consumer waits for the ack wait (30 s), so allow for it.
  await waitFor(() => accepted.every((id) => sse.events.some((e) => e.frameId === id)), {
    timeoutMs: 120_000,
    intervalMs: 250,
    what: 'an analysis_result for every accepted frame',
  }).catch(() => undefined);
  sse.close();
  return { accepted, result: checkExactlyOnce(accepted, sse.events), sse, feeder };
}

/** Drop and failure counters of every service, to explain a missing frame. */
async function dropCounters(): Promise<string> {
  const lines: string[] = [];
  for (const [name, url] of Object.entries(stack.urls)) {
    const text = await fetch(`${url}/metrics`).then(
      (r) => r.text(),
      () => '',
    );
    for (const line of text.split('\n')) {
      if (/^sightline_\w*(drop|reject|skip|fail|error|retr)\w*\{/.test(line) && !line.endsWith(' 0'))
        lines.push(`${name}: ${line}`);
    }
  }
  return lines.join('\n');
}

describe.skipIf(!binary)('faults while frames flow', () => {
  it('baseline without a fault: every accepted frame analysed exactly once', async () => {
    const { accepted, result } = await runScenario(async () => {}, 15);
    expect(accepted).toHaveLength(15);
    expect(result.missing, await dropCounters()).toEqual([]);
    expect(result.duplicated).toEqual([]);
    expect(result.outOfOrder).toBe(0);
  });

  it('NATS killed and restarted on the same store: every accepted frame analysed exactly once, SSE resumes without gap', async () => {
    const { accepted, result, sse } = await runScenario(async (i) => {
      if (i === 10) await server.restart({ hard: true, downMs: 1500 });
    }, 30);
    expect(accepted).toHaveLength(30);
    expect(result.missing, await dropCounters()).toEqual([]);
    expect(result.duplicated).toEqual([]);
    expect(result.outOfOrder).toBe(0);
    expect(sse.events.length).toBe(accepted.length);
  });

  const victims: ServiceName[] = ['ingest', 'inference', 'analytics-aggregation', 'stream-gateway'];
  it.each(victims)('kill -9 of %s mid-stream, then restart: exactly once, no gap', async (victim) => {
    const { accepted, result } = await runScenario(async (i) => {
      if (i === 8) {
        await stack.kill(victim, 'SIGKILL');
        await new Promise((r) => setTimeout(r, 500));
        await stack.start(victim);
      }
    }, 20);
    expect(accepted).toHaveLength(20);
    expect(result.missing, await dropCounters()).toEqual([]);
    expect(result.duplicated).toEqual([]);
    expect(result.outOfOrder).toBe(0);
  });
});
