import { type DetectionBatch, streams, subjects } from '@sightline/contracts';
import type { JetStreamClient } from '@sightline/nats';
import { bootService } from '@sightline/service-kit';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { publishFrame } from '../test/integration/helpers.js';
import { type Figures, figures } from './images.js';
import { mainThreadProfiler } from './profile.js';
import { type CpuShares, threadCpuMeter } from './thread-cpu.js';

export interface PipelineOptions {
  natsUrl: string;
  modelsDir: string;
  frames: Buffer[];
  count: number;
  env: Record<string, string>;
  /** nats-server's pid, for its share of the CPU (when this bench started it). */
  natsPid?: number;
  /** Write a CPU profile of the main thread over the measured drain to this file. */
  cpuProfile?: string;
}

/**
 * FRAME_HISTORY mirrors FRAMES asynchronously. Frames are queued much faster here than cameras
 * send them, so without this wait the mirror would still be copying them during the measured
 * drain and its nats-server CPU would count against the pipeline on a 2-core machine.
 */
async function mirrorCaughtUp(js: JetStreamClient): Promise<void> {
  const jsm = await js.jetstreamManager();
  const frames = await jsm.streams.info(streams.frames.name);
  for (let waited = 0; waited < 30_000; waited += 50) {
    const history = await jsm.streams.info(streams.frameHistory.name).catch(() => undefined);
    if (!history || history.state.last_seq >= frames.state.last_seq) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * The whole worker on real NATS: `count` frames are queued on FRAMES first (spread over 20
 * devices, inside the per-subject limit), then one worker drains them. Throughput is frames
 * per second from start to the last DetectionBatch; latency is per frame from the moment the
 * worker pulled it (accepted + queue wait) to its batch arriving at a subscriber.
 */
export async function pipelineRun(
  options: PipelineOptions,
): Promise<Figures & { stages: Record<string, number>; shares: CpuShares }> {
  const runtime = await bootService({
    service: 'inference',
    version: 'bench',
    logLevel: 'warn',
    natsUrl: options.natsUrl,
  });
  for (let i = 0; i < options.count; i++) {
    const jpeg = options.frames[i % options.frames.length]!;
    await publishFrame(runtime.js, jpeg, { tenantId: 'bench', deviceId: `cam-${i % 20}` });
  }
  await mirrorCaughtUp(runtime.js);
  const config = loadConfig({
    NATS_URL: options.natsUrl,
    LOG_LEVEL: 'warn',
    SIGHTLINE_MODELS_DIR: options.modelsDir,
    FRAME_MAX_AGE_MS: '3600000',
    MOTION_GATING: 'false',
    ...options.env,
  });
  const app = await buildApp(runtime, config);
  const latencies: number[] = [];
  const stageSums: Record<string, number> = {};
  let last = 0;
  let cpu: NodeJS.CpuUsage | undefined;
  let shares: CpuShares | undefined;
  const meter = threadCpuMeter(options.natsPid);
  const done = new Promise<void>((resolve) => {
    runtime.nc.subscribe(subjects.detectionsAll, {
      callback: (_err, msg) => {
        const batch = msg.json<DetectionBatch>();
        const pulledAt = batch.acceptedAt + (batch.timings?.queueWaitMs ?? 0);
        latencies.push(Date.now() - pulledAt);
        for (const [k, v] of Object.entries(batch.timings ?? {})) stageSums[k] = (stageSums[k] ?? 0) + v;
        last = performance.now();
        if (latencies.length === options.count) {
          cpu = process.cpuUsage(cpuStart);
          // Before app.stop: the session thread's CPU is gone with the thread once it ends.
          shares = meter.stop(options.count);
          resolve();
        }
      },
    });
  });
  const profiler = await mainThreadProfiler(options.cpuProfile);
  meter.start();
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  await app.start();
  await done;
  await profiler.stop();
  const result = figures(latencies, (last - started) / 1000, cpu!);
  await app.stop();
  await runtime.nc.drain();
  const stages = Object.fromEntries(Object.entries(stageSums).map(([k, v]) => [k, v / options.count]));
  return { ...result, stages, shares: shares! };
}
