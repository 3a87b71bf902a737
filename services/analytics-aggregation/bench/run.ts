/**
 * pnpm bench:analytics — analytics-aggregation throughput, latency and memory.
 *
 * 1. Domain: 100 devices × 20 objects per frame (15 people, 5 cars, moving, 2 px box noise, 5 %
 *    missed detections), a scene with 2 zones, 1 queue, 2 lines and 2 rules, fed in process to
 *    DeviceAnalyzer (tracker, zones, lines, queues, heatmap, speed, rules, rollups).
 *    batches/s = batches / wall time; p50/p99 = per-batch process() time; memory per device =
 *    (heap after warm-up with all devices − heap before) / devices, after a forced GC.
 * 2. Service: the real app on a real nats-server; batches published to DETECTIONS.
 *    Burst: N batches queued, then the time until every analysis_result is out → batches/s.
 *    Paced: 100 devices at 2 fps for 10 s; latency = analysis_result received − batch acceptedAt
 *    (both on this machine's clock), p50/p99.
 * Run: pnpm bench:analytics (tsx --expose-gc scripts/bench-analytics.ts [--quick])
 */
import type { DetectionBatch, Scene } from '@sightline/contracts';
import { partitionOf, subjects } from '@sightline/contracts';
import { publishJson } from '@sightline/nats';
import { bootService } from '@sightline/service-kit';
import { startNats } from '@sightline/testing';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { DeviceAnalyzer } from '../src/domain/device-analyzer.js';

const quick = process.argv.includes('--quick');
const DEVICES = 100;
const OBJECTS = 20;
const FRAMES = quick ? 50 : 300;
const W = 1280;
const H = 720;

function scene(deviceId: string): Scene {
  return {
    tenantId: 'bench',
    deviceId,
    sceneId: deviceId,
    version: 1,
    zones: [
      {
        id: 'left',
        polygon: [
          [0, 0],
          [640, 0],
          [640, 720],
          [0, 720],
        ],
        capacity: 10,
      },
      {
        id: 'right',
        polygon: [
          [640, 0],
          [1280, 0],
          [1280, 720],
          [640, 720],
        ],
      },
      {
        id: 'queue',
        kind: 'queue',
        polygon: [
          [100, 100],
          [500, 100],
          [500, 600],
          [100, 600],
        ],
        servicePoint: [300, 120],
      },
    ],
    lines: [
      { id: 'door', a: [0, 360], b: [1280, 360] },
      { id: 'aisle', a: [640, 0], b: [640, 720] },
    ],
    rules: [
      { id: 'busy', metric: 'zone_occupancy', target: 'left', threshold: 8, clearThreshold: 6, forMs: 5000 },
      { id: 'queue', metric: 'queue_length', target: 'queue', threshold: 5, forMs: 10_000 },
    ],
  };
}

/** Deterministic scene of moving objects per device. */
function world(seed: number) {
  let s = seed >>> 0;
  const rnd = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const objects = Array.from({ length: OBJECTS }, (_, i) => ({
    label: i < 15 ? 'person' : 'car',
    x: rnd() * (W - 120),
    y: rnd() * (H - 220),
    vx: (rnd() - 0.5) * 16,
    vy: (rnd() - 0.5) * 12,
    w: i < 15 ? 50 : 120,
    h: i < 15 ? 140 : 80,
  }));
  return (frame: number, deviceId: string, at: number): DetectionBatch => {
    const detections = [];
    for (const o of objects) {
      o.x += o.vx;
      o.y += o.vy;
      if (o.x < 0 || o.x > W - o.w) o.vx = -o.vx;
      if (o.y < 0 || o.y > H - o.h) o.vy = -o.vy;
      if (rnd() < 0.05) continue;
      const n = () => (rnd() - 0.5) * 4;
      detections.push({
        label: o.label,
        classId: o.label === 'person' ? 0 : 2,
        score: 0.5 + rnd() * 0.45,
        box: [o.x + n(), o.y + n(), o.x + o.w + n(), o.y + o.h + n()] as [number, number, number, number],
      });
    }
    return {
      frameId: `${deviceId}-${frame}`,
      tenantId: 'bench',
      deviceId,
      capturedAt: at,
      acceptedAt: at,
      analysedAt: at,
      width: W,
      height: H,
      model: 'bench',
      origin: 'edge' as const,
      detections,
    };
  };
}

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

function heapMb(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

function benchDomain() {
  const ids = Array.from({ length: DEVICES }, (_, d) => `cam-${d}`);
  const worlds = ids.map((_, d) => world(d + 1));
  const before = heapMb();
  const analyzers = ids.map((id) => new DeviceAnalyzer('bench', id, scene(id), 0));
  const times: number[] = [];
  const t0 = 1_738_000_000_000;
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  for (let f = 0; f < FRAMES; f++) {
    for (let d = 0; d < DEVICES; d++) {
      const at = t0 + f * 200;
      const batch = worlds[d]!(f, ids[d]!, at);
      const t = performance.now();
      analyzers[d]!.process(batch, at);
      times.push(performance.now() - t);
    }
  }
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const after = heapMb();
  times.sort((a, b) => a - b);
  return {
    batches: times.length,
    batchesPerSec: Math.round(times.length / seconds),
    /** Includes generating the synthetic batches; robust to other processes sharing the CPU. */
    batchesPerCpuSec: Math.round(times.length / cpuSeconds),
    p50Ms: percentile(times, 0.5),
    p90Ms: percentile(times, 0.9),
    p99Ms: percentile(times, 0.99),
    kbPerDevice: ((after - before) * 1024) / DEVICES,
    gc: typeof (globalThis as { gc?: unknown }).gc === 'function',
    keep: analyzers.length,
  };
}

async function benchService() {
  const nats = await startNats();
  const runtime = await bootService({
    service: 'analytics-bench',
    version: '0',
    logLevel: 'silent',
    natsUrl: nats.url,
  });
  const { nc, js } = runtime;
  const ids = Array.from({ length: DEVICES }, (_, d) => `cam-${d}`);
  const worlds = ids.map((_, d) => world(d + 1));
  const received: Array<{ at: number; acceptedAt: number }> = [];
  const latencies: number[] = [];
  const sub = nc.subscribe('analysis.bench.*', {
    callback: (_err, msg) => {
      const body = msg.json<{ frameId: string }>();
      received.push({ at: Date.now(), acceptedAt: Number(body.frameId.split('_').at(-1)) });
    },
  });
  const publish = (frame: number, d: number, acceptedAt: number) => {
    const b = worlds[d]!(frame, ids[d]!, 1_738_000_000_000 + frame * 500);
    b.frameId = `${ids[d]}-${frame}_${acceptedAt}`;
    b.acceptedAt = acceptedAt;
    return publishJson(js, subjects.detections(partitionOf(ids[d]!), 'bench', ids[d]!), b, {
      msgId: b.frameId,
    });
  };
  // Burst: queue everything, then start the service and time the drain.
  const burstFrames = quick ? 5 : 20;
  for (let f = 0; f < burstFrames; f++) await Promise.all(ids.map((_, d) => publish(f, d, Date.now())));
  const app = await buildApp(runtime, loadConfig({ NATS_URL: nats.url, LOG_LEVEL: 'silent' }));
  const burstStart = Date.now();
  await app.start();
  const total = burstFrames * DEVICES;
  while (received.length < total) await new Promise((r) => setTimeout(r, 20));
  const burstSeconds = (Date.now() - burstStart) / 1000;
  // Paced: 2 fps per device.
  received.length = 0;
  const pacedSeconds = quick ? 3 : 10;
  const pacedStart = Date.now();
  for (let tick = 0; tick < pacedSeconds * 2; tick++) {
    const acceptedAt = Date.now();
    await Promise.all(ids.map((_, d) => publish(burstFrames + tick, d, acceptedAt)));
    const next = pacedStart + (tick + 1) * 500;
    await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())));
  }
  const expected = pacedSeconds * 2 * DEVICES;
  const deadline = Date.now() + 30_000;
  while (received.length < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  for (const r of received) latencies.push(r.at - r.acceptedAt);
  latencies.sort((a, b) => a - b);
  sub.unsubscribe();
  await app.stop();
  await nc.drain();
  await nats.stop();
  return {
    burstBatches: total,
    burstBatchesPerSec: Math.round(total / burstSeconds),
    pacedBatches: received.length,
    pacedExpected: expected,
    latencyP50Ms: percentile(latencies, 0.5),
    latencyP99Ms: percentile(latencies, 0.99),
  };
}

/** Both benches; returns the printable report. */
export async function runBench(): Promise<string> {
  const lines: string[] = [];
  const load = (await import('node:os')).loadavg()[0]!.toFixed(1);
  const cores = (await import('node:os')).cpus().length;
  lines.push(
    `machine: ${cores} cores, load average ${load} at start (other processes inflate tail latencies)`,
  );
  const domain = benchDomain();
  lines.push(`domain: ${DEVICES} devices × ${OBJECTS} objects, ${domain.batches} batches`);
  lines.push(`  ${domain.batchesPerSec} batches/s wall, ${domain.batchesPerCpuSec} batches per CPU-second`);
  lines.push(
    `  process() p50 ${domain.p50Ms.toFixed(3)} ms, p90 ${domain.p90Ms.toFixed(3)} ms, p99 ${domain.p99Ms.toFixed(3)} ms`,
  );
  lines.push(
    `  memory ${domain.kbPerDevice.toFixed(1)} KB per device${domain.gc ? '' : ' (no --expose-gc: rough)'}`,
  );
  const service = await benchService();
  lines.push(
    `service on real NATS: burst ${service.burstBatches} batches → ${service.burstBatchesPerSec} batches/s`,
  );
  lines.push(
    `  paced 100 devices × 2 fps: ${service.pacedBatches}/${service.pacedExpected} results, ` +
      `latency p50 ${service.latencyP50Ms} ms, p99 ${service.latencyP99Ms} ms`,
  );
  return lines.join('\n');
}
