import { join } from 'node:path';
import { builtinModels } from '../src/domain/model-registry.js';
import { bareRunLoop } from './bare.js';
import { type Figures, make1080pFrames } from './images.js';
import { pipelineRun } from './pipeline.js';

export interface BenchOptions {
  natsUrl: string;
  natsPid?: number;
  modelsDir: string;
  imagesDir: string;
  frames: number;
  intraOpThreads: number;
  depths: number[];
  spinning: boolean;
  /** Session on its own thread (the default) and/or on the main thread, a row each. */
  sessionThread: boolean[];
  /**
   * Live frames: "unwatched" (no gateway announces viewers, so none are published: the default
   * service behaviour for unwatched cameras) and/or "watched" (every frame also published live).
   */
  live: ('unwatched' | 'watched')[];
  /** A directory for a main-thread CPU profile of each pipeline row. */
  cpuProfileDir?: string;
}

const fixed = (v: number | undefined) => (v === undefined ? '' : v.toFixed(2));
const row = (name: string, f: Figures, bare?: { fps: number; cpu: number }) =>
  `| ${name} | ${f.frames} | ${f.fps.toFixed(1)} | ${f.p50Ms.toFixed(1)} | ${f.p99Ms.toFixed(1)} | ${f.cpuMsPerFrame.toFixed(1)} | ${fixed(bare && f.fps / bare.fps)} | ${fixed(bare && bare.cpu / f.cpuMsPerFrame)} |`;

/** Bare session.run, then the pipeline at each depth, then bare again (the machine is shared). */
export async function runBench(o: BenchOptions): Promise<string> {
  const frames = await make1080pFrames(o.imagesDir);
  const spec = builtinModels.yolox_nano!;
  const budget = { intraOpThreads: o.intraOpThreads, interOpThreads: 1, allowSpinning: o.spinning };
  const bareBefore = await bareRunLoop(spec, o.modelsDir, frames, o.frames, budget);
  const pipelines: [string, Awaited<ReturnType<typeof pipelineRun>>][] = [];
  for (const depth of o.depths) {
    for (const thread of o.sessionThread) {
      for (const live of o.live) {
        const env = {
          INTRA_OP_THREADS: String(o.intraOpThreads),
          INTRA_OP_SPINNING: String(o.spinning),
          PIPELINE_DEPTH: String(depth),
          SESSION_THREAD: String(thread),
          // Watched: as if a gateway announced viewers of every camera.
          LIVE_FRAMES_ONLY_WATCHED: String(live === 'unwatched'),
        };
        const name = `PIPELINE_DEPTH=${depth}, session ${thread ? 'on its thread' : 'on the main thread'}, ${live === 'watched' ? 'every camera watched live' : 'no live viewers'}`;
        pipelines.push([
          name,
          await pipelineRun({
            natsUrl: o.natsUrl,
            natsPid: o.natsPid,
            modelsDir: o.modelsDir,
            frames,
            count: o.frames,
            env,
            cpuProfile:
              o.cpuProfileDir &&
              join(
                o.cpuProfileDir,
                `pipeline-depth${depth}-${thread ? 'thread' : 'main'}-${live}.cpuprofile`,
              ),
          }),
        ]);
      }
    }
  }
  const bareAfter = await bareRunLoop(spec, o.modelsDir, frames, o.frames, budget);
  const bare = {
    fps: (bareBefore.fps + bareAfter.fps) / 2,
    cpu: (bareBefore.cpuMsPerFrame + bareAfter.cpuMsPerFrame) / 2,
  };
  const lines = [
    `YOLOX-Nano 416, ${frames.length} real images made 1920x1080, ${o.intraOpThreads} intra-op threads (spinning ${o.spinning ? 'on' : 'off'}), 1 inter-op`,
    '',
    '| run | frames | frames/s | p50 ms | p99 ms | CPU ms/frame | frames/s ratio to bare | CPU efficiency ratio to bare |',
    '|---|---|---|---|---|---|---|---|',
    row('bare session.run (before)', bareBefore),
    ...pipelines.map(([name, f]) => row(`pipeline, ${name}`, f, bare)),
    row('bare session.run (after)', bareAfter),
    '',
    'Mean per-frame stage times in the pipeline (ms, from DetectionBatch.timings):',
    ...pipelines.map(
      ([name, f]) =>
        `- ${name}: ${Object.entries(f.stages)
          .filter(([k]) => k !== 'queueWaitMs')
          .map(([k, v]) => `${k} ${v.toFixed(1)}`)
          .join(', ')}`,
    ),
    '',
    'CPU ms per frame by thread in the pipeline (Linux /proc; "busiest" is the busiest thread besides main and libvips: the session thread; "other" holds libuv\'s pool, V8\'s GC helpers and onnxruntime\'s pool):',
    ...pipelines.map(
      ([name, f]) =>
        `- ${name}: ${Object.entries(f.shares)
          .map(([k, v]) => `${k} ${v.toFixed(1)}`)
          .join(', ')}`,
    ),
  ];
  return lines.join('\n');
}
