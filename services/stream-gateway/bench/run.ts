import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { type AnalysisResult, subjects } from '@sightline/contracts';
import { publishJson } from '@sightline/nats';
import { findNatsServerBinary, repoRoot, spawnNatsServer } from '@sightline/testing';
import { eventFrame } from '../src/domain/sse-format.js';
import { runtimeFor, seedTenant, startGateway } from '../test/support/gateway.js';
import { startBareServer } from './bare-server.js';

export interface BenchOptions {
  clients: number;
  eventsPerSecond: number;
  seconds: number;
}

interface Result {
  name: string;
  delivered: number;
  perSecond: number;
  p50: number;
  p99: number;
  rssPerConnKb: number;
  heapPerConnKb: number;
  cpuPercent: number;
}

const mem = () => {
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed + m.external };
};

/** N SSE clients in a child process; resolves once all are connected. */
async function startClients(url: string, n: number, headers: Record<string, string>) {
  const child: ChildProcess = spawn(
    join(repoRoot, 'node_modules', '.bin', 'tsx'),
    [join(import.meta.dirname, 'sse-clients.ts'), url, String(n), JSON.stringify(headers)],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const first = JSON.parse(String((await lines.next()).value)) as { connected: number; failed: number };
  if (first.failed > 0) throw new Error(`${first.failed} of ${n} SSE clients were refused`);
  return {
    start: () => child.stdin!.write('start\n'),
    stop: async () => {
      child.stdin!.write('stop\n');
      return JSON.parse(String((await lines.next()).value)) as {
        delivered: number;
        p50: number;
        p99: number;
      };
    },
  };
}

/** Run `emit` E times a second (paced by the clock, not by timer accuracy) while measuring this process. */
async function measure(
  name: string,
  options: BenchOptions,
  clients: Awaited<ReturnType<typeof startClients>>,
  memIdle: ReturnType<typeof mem>,
  memBefore: ReturnType<typeof mem>,
  emit: (n: number) => void | Promise<void>,
): Promise<Result> {
  let n = 0;
  const inFlight: Promise<void>[] = [];
  const run = async (seconds: number) => {
    const started = performance.now();
    const base = n;
    while (performance.now() - started < seconds * 1000) {
      const due = base + Math.floor(((performance.now() - started) / 1000) * options.eventsPerSecond);
      while (n < due) {
        const sent = emit(n++);
        if (sent) inFlight.push(sent);
      }
      await Promise.all(inFlight.splice(0));
      await new Promise((r) => setTimeout(r, 5));
    }
    return started;
  };
  await run(1); // warm-up, not counted
  clients.start();
  const cpu = process.cpuUsage();
  const started = await run(options.seconds);
  const elapsed = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  await new Promise((r) => setTimeout(r, 500)); // let in-flight events land
  const got = await clients.stop();
  return {
    name,
    delivered: got.delivered,
    perSecond: Math.round(got.delivered / elapsed),
    p50: got.p50,
    p99: got.p99,
    rssPerConnKb: Math.round((memIdle.rss - memBefore.rss) / options.clients / 1024),
    heapPerConnKb: Math.round(((memIdle.heap - memBefore.heap) / options.clients / 1024) * 10) / 10,
    cpuPercent: Math.round(((used.user + used.system) / 1e6 / elapsed) * 100),
  };
}

function resultOf(deviceId: string, n: number): AnalysisResult {
  return {
    deviceId,
    analysisId: `bench-${n}`,
    sceneId: deviceId,
    timestamp: new Date().toISOString(),
    detections: [
      { type: 'person', confidence: 0.91, boundingBox: { x: 10, y: 20, width: 30, height: 80 } },
      { type: 'car', confidence: 0.84, boundingBox: { x: 200, y: 120, width: 90, height: 60 } },
    ],
    frameId: `bench-${Date.now()}-${n}`,
  };
}

async function benchGateway(options: BenchOptions, natsUrl: string): Promise<Result> {
  const env = { SSE_MAX_PER_USER: String(options.clients), SSE_MAX_BUFFERED_BYTES: String(64 * 1024 * 1024) };
  const gw = await startGateway(natsUrl, env);
  const publisher = await runtimeFor(natsUrl);
  const tenant = await seedTenant(publisher, { devices: 1, owner: 'bench@example.com' });
  const device = tenant.deviceIds[0]!;
  global.gc?.();
  const memBefore = mem();
  const clients = await startClients(`${gw.url}/api/v1/devices/${device}/analysis/stream`, options.clients, {
    Authorization: `Bearer ${tenant.key}`,
  });
  global.gc?.();
  const memIdle = mem();
  const subject = subjects.analysis(tenant.tenantId, device);
  const result = await measure('gateway (NATS → SSE)', options, clients, memIdle, memBefore, async (n) => {
    const r = resultOf(device, n);
    await publishJson(publisher.js, subject, r, { msgId: r.frameId! });
  });
  await gw.stop();
  await publisher.nc.drain();
  return result;
}

async function benchBare(options: BenchOptions): Promise<Result> {
  const bare = await startBareServer();
  global.gc?.();
  const memBefore = mem();
  const clients = await startClients(bare.url, options.clients, {});
  global.gc?.();
  const memIdle = mem();
  const result = await measure('bare node http (limit)', options, clients, memIdle, memBefore, (n) => {
    const r = resultOf('bench-device', n);
    bare.broadcast(eventFrame('analysis_result', `bench-device-${n}`, JSON.stringify(r)));
  });
  bare.server.closeAllConnections();
  bare.server.close();
  return result;
}

export async function runBench(options: BenchOptions): Promise<string> {
  const binary = findNatsServerBinary();
  if (!binary) throw new Error('nats-server not found');
  const nats = await spawnNatsServer({ binary });
  try {
    const bare = await benchBare(options);
    const gateway = await benchGateway(options, nats.url);
    const ratio = gateway.perSecond / Math.max(1, bare.perSecond);
    const rows = [bare, gateway].map(
      (r) =>
        `| ${r.name} | ${r.perSecond} | ${r.p50} | ${r.p99} | ${r.rssPerConnKb} | ${r.heapPerConnKb} | ${r.cpuPercent} |`,
    );
    return [
      `SSE fan-out: ${options.clients} clients × ${options.eventsPerSecond} events/s for ${options.seconds} s ` +
        `(target ${options.clients * options.eventsPerSecond} deliveries/s), node ${process.version}`,
      '',
      '| server | delivered events/s | p50 ms | p99 ms | RSS KB / idle conn | heap+external KB / idle conn | server CPU % |',
      '|---|---|---|---|---|---|---|',
      ...rows,
      '',
      `gateway / bare throughput: ${ratio.toFixed(2)}`,
    ].join('\n');
  } finally {
    await nats.stop();
  }
}
