import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ControlPlane } from '@sightline/auth';
import { buckets, consumers, streams } from '@sightline/contracts';
import { connectNats, JsonBucket, jetstream, type NatsConnection } from '@sightline/nats';
import { dataPath, freePort, repoRoot, startNats, type TestNats, waitFor } from '@sightline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, type IngestUnderTest, startIngest } from './harness.js';

const leaseEnv = { PULL: 'on', LEASE_TTL_MS: '2000', LEASE_RENEW_MS: '500' };
const mainPath = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

/** Replica A runs as its own process, so it can really be killed with SIGKILL. */
async function spawnReplica(natsUrl: string, instanceId: string): Promise<ChildProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', mainPath], {
    cwd: repoRoot,
    env: {
      ...process.env,
      ...leaseEnv,
      NATS_URL: natsUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      INSTANCE_ID: instanceId,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined))?.ok, {
    timeoutMs: 30_000,
    what: 'replica A to start',
  });
  return child;
}

describe('pull lease failover between two ingest replicas', () => {
  let nats: TestNats;
  let nc: NatsConnection;
  let replicaA: ChildProcess | undefined;
  let replicaB: IngestUnderTest | undefined;

  beforeAll(async () => {
    nats = await startNats();
    nc = await connectNats({ url: nats.url, name: 'failover-test' });
  });
  afterAll(async () => {
    replicaA?.kill('SIGKILL');
    await replicaB?.stop();
    await nc?.drain();
    await nats?.stop();
  });

  it('when the replica holding the lease dies, the other takes it and frames keep flowing', async () => {
    replicaA = await spawnReplica(nats.url, 'replica-a');
    const control = await ControlPlane.open(nc);
    const video = dataPath('video', 'vqpy_pedestrian_10s.mp4');
    const t = await createTenant(control, { detectFps: 5, sourceUrl: `file://${video}` });
    const sessions = await JsonBucket.open<{ owner: string }>(nc, buckets.sessions);
    const owner = async () => (await sessions.get(`pull.${t.tenantId}.${t.deviceId}`))?.owner;
    await waitFor(async () => (await owner()) === 'replica-a', {
      timeoutMs: 20_000,
      what: 'replica A to take the lease',
    });

    replicaB = await startIngest({ ...leaseEnv, INSTANCE_ID: 'replica-b' }, nats);
    const acceptedAt: number[] = [];
    // Acting as inference, through its durable consumer: a device's backlog nobody takes off
    // FRAMES would fill (30 frames) and refuse replica B's frames.
    const messages = await (
      await jetstream(nc).consumers.get(streams.frames.name, consumers.inference.durable)
    ).consume();
    void (async () => {
      for await (const m of messages) {
        acceptedAt.push(Number(m.headers?.get('Sightline-Accepted-At')));
        m.ack();
      }
    })();
    await waitFor(() => acceptedAt.length >= 5, { timeoutMs: 20_000, what: 'frames from replica A' });
    expect(await owner()).toBe('replica-a');

    const killedAt = Date.now();
    replicaA.kill('SIGKILL');
    await waitFor(async () => (await owner()) === 'replica-b', {
      timeoutMs: 20_000,
      what: 'replica B to take the lease',
    });
    const takenAt = Date.now();
    await waitFor(() => acceptedAt.filter((a) => a > killedAt).length >= 5, {
      timeoutMs: 20_000,
      what: 'frames from replica B',
    });
    messages.stop();

    const lastBefore = Math.max(...acceptedAt.filter((a) => a <= killedAt));
    const firstAfter = Math.min(...acceptedAt.filter((a) => a > killedAt));
    const report = {
      leaseTakeoverMs: takenAt - killedAt,
      frameGapMs: firstAfter - lastBefore,
      ttlMs: 2000,
      renewMs: 500,
    };
    console.log(`lease failover: ${JSON.stringify(report)}`);
    expect(firstAfter).toBeGreaterThan(killedAt);
  });
});
