import { randomUUID } from 'node:crypto';
import { connectNats, type NatsConnection, provisionAll } from '@sightline/nats';
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
import { makeTenant, type TenantFixture } from '../e2e/support.js';
import { FrameFeeder, sequenceFrames } from '../support/frame-feeder.js';
import { RoundRobinProxy } from '../support/round-robin-proxy.js';
import { checkExactlyOnce, SseCollector } from '../support/sse-collector.js';

let nats: TestNats;
let nc: NatsConnection;
let stack: RunningStack;
let second: RunningStack;
let proxy: RoundRobinProxy;
let proxyUrl: string;
let tenant: TenantFixture;

const portOf = (url: string) => Number(new URL(url).port);

beforeAll(async () => {
  nats = await startNats();
  nc = await connectNats({ url: nats.url, name: 'chaos-failover' });
  await provisionAll(nc);
  tenant = await makeTenant(nc, 'failover');
  const env = { SIGHTLINE_MODELS_DIR: modelsDir, LOG_LEVEL: 'warn', PACING: 'off', SLOT_TTL_MS: '5000' };
  stack = await startStack({ natsUrl: nats.url, env });
  second = await startStack({ natsUrl: nats.url, env, services: ['stream-gateway'] });
  proxy = new RoundRobinProxy([
    { host: '127.0.0.1', port: portOf(stack.urls['stream-gateway']) },
    { host: '127.0.0.1', port: portOf(second.urls['stream-gateway']) },
  ]);
  proxyUrl = await proxy.listen();
});

afterAll(async () => {
  await proxy?.close();
  await second?.stop();
  await stack?.stop();
  await nc?.close();
  await nats?.stop();
});

describe('two gateway replicas behind a round-robin proxy', () => {
  it('one replica dies mid-stream; its clients resume on the other with no gap and no duplicate', async () => {
    const clients = Array.from(
      { length: 4 },
      () =>
        new SseCollector(
          () => `${proxyUrl}/api/v1/devices/${tenant.deviceId}/analysis/stream`,
          tenant.keys.readOnly,
        ),
    );
    await Promise.all(clients.map((c) => c.opened()));
    expect(proxy.connectionsPerBackend.every((n) => n >= 1)).toBe(true);

    const frames = sequenceFrames(dataPath('mot', 'TUD-Campus', 'img1'), 24);
    const feeder = new FrameFeeder(
      () => stack.urls.ingest,
      tenant.keys.framesOnly,
      tenant.deviceId,
      randomUUID(),
    );
    await feeder.feed(frames, 4, async (i) => {
      if (i === 10) await stack.kill('stream-gateway', 'SIGKILL');
    });
    const accepted = feeder.accepted.map((a) => a.frameId);
    await waitFor(
      () => clients.every((c) => accepted.every((id) => c.events.some((e) => e.frameId === id))),
      {
        timeoutMs: 90_000,
        intervalMs: 250,
        what: 'every client to hold every accepted frame',
      },
    ).catch(() => undefined);
    for (const c of clients) c.close();

    expect(accepted).toHaveLength(24);
    for (const client of clients) {
      const result = checkExactlyOnce(accepted, client.events);
      expect(result.missing).toEqual([]);
      expect(result.duplicated).toEqual([]);
      expect(result.outOfOrder).toBe(0);
    }
    // The dead replica's clients came back through the proxy, and only the survivor took them.
    const [first, survivor] = proxy.connectionsPerBackend;
    expect(first! + survivor!).toBeGreaterThan(clients.length);
    expect(survivor!).toBeGreaterThan(first!);
  });
});
