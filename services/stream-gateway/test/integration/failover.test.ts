import { startNats, type TestNats, waitFor } from '@sightline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EsClient } from '../support/es-client.js';
import {
  analysisResult,
  publishAnalysis,
  type RunningGateway,
  seedTenant,
  startGateway,
  type Tenant,
} from '../support/gateway.js';
import { metricValue } from '../support/metrics.js';

// Short reconnect delay so the eventsource client comes back quickly.
const env = { SSE_RETRY_MS: '100' };
let nats: TestNats;
let publisher: RunningGateway;
let tenant: Tenant;
const running: RunningGateway[] = [];

beforeAll(async () => {
  nats = await startNats();
  publisher = await startGateway(nats.url, env);
  running.push(publisher);
  tenant = await seedTenant(publisher.runtime, { devices: 1 });
});

afterAll(async () => {
  for (const gw of running) await gw.stop().catch(() => undefined);
  await nats?.stop();
});

/** Publish `count` events, a few ms apart, while `during` runs; returns their sequences. */
async function publishWhile(count: number, during: () => Promise<void>): Promise<number[]> {
  const seqs: number[] = [];
  const device = tenant.deviceIds[0]!;
  const pump = (async () => {
    for (let i = 0; i < count; i++) {
      seqs.push(await publishAnalysis(publisher.runtime, tenant.tenantId, analysisResult(device)));
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  await during();
  await pump;
  return seqs;
}

describe('eventsource client across gateway restarts', () => {
  it('sees no gap and no duplicate when the gateway is killed and restarted mid-stream', async () => {
    const device = tenant.deviceIds[0]!;
    let gw = await startGateway(nats.url, env);
    const port = gw.port;
    const client = new EsClient(
      () => `http://127.0.0.1:${port}`,
      `/api/v1/devices/${device}/analysis/stream`,
      tenant.key,
    );
    await waitFor(() => client.opens === 1, { what: 'first open' });
    const seqs = await publishWhile(60, async () => {
      await waitFor(() => client.ids.length >= 10, { what: 'events before the kill' });
      await gw.crash();
      gw = await startGateway(nats.url, env, port);
      running.push(gw);
    });
    await waitFor(() => client.ids.length >= seqs.length, { what: 'every event', timeoutMs: 20_000 });
    client.close();
    expect(client.opens).toBeGreaterThanOrEqual(2);
    expect(client.ids).toEqual(seqs.map((s) => `${device}-${s}`));
    // The restarted replica really replayed what was published while nothing was listening.
    const replayed = await metricValue(
      gw.runtime.registry,
      'sightline_stream_gateway_replay_depth_events',
      {},
      'sightline_stream_gateway_replay_depth_events_sum',
    );
    expect(replayed).toBeGreaterThan(0);
  });

  it('resumes on a second replica when the first shuts down', async () => {
    const device = tenant.deviceIds[0]!;
    const first = await startGateway(nats.url, env);
    const second = await startGateway(nats.url, env);
    running.push(first, second);
    let target = first.url;
    const client = new EsClient(() => target, `/api/v1/devices/${device}/analysis/stream`, tenant.key);
    await waitFor(() => client.opens === 1, { what: 'first open' });
    const seqs = await publishWhile(40, async () => {
      await waitFor(() => client.ids.length >= 10, { what: 'events on the first replica' });
      target = second.url;
      await first.stop();
    });
    await waitFor(() => client.ids.length >= seqs.length, { what: 'every event', timeoutMs: 20_000 });
    client.close();
    expect(client.other).toContainEqual({ type: 'disconnect', data: '{"reason":"shutdown"}' });
    expect(client.ids).toEqual(seqs.map((s) => `${device}-${s}`));
  });
});
