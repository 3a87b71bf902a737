/**
 * `pnpm bench:inference`: the inference pipeline against a bare session.run loop, on real images
 * made 1080p. A script, not a test: it prints figures, asserts nothing about speed.
 * Options (env): BENCH_FRAMES (default 300), BENCH_DEPTHS (default "1,2,3"), INTRA_OP_THREADS (1, the service default),
 * INTRA_OP_SPINNING (false), BENCH_SESSION_THREAD (default "true"; "true,false" adds rows with the
 * session on the main thread), BENCH_LIVE (default "unwatched,watched": no live viewers, so no live
 * frames published, and every camera watched, so every frame also published live; a row each),
 * BENCH_CPU_PROFILE (a directory: a main-thread CPU profile of each pipeline row's drain).
 */
import { dataPath, modelsDir, startNats } from '@sightline/testing';
import { runBench } from '../services/inference/bench/run.js';

const nats = await startNats();
try {
  const report = await runBench({
    natsUrl: nats.url,
    natsPid: nats.server?.pid,
    modelsDir,
    imagesDir: dataPath('images'),
    frames: Number(process.env.BENCH_FRAMES ?? 300),
    intraOpThreads: Number(process.env.INTRA_OP_THREADS ?? 1),
    depths: (process.env.BENCH_DEPTHS ?? '1,2,3').split(',').map(Number),
    spinning: process.env.INTRA_OP_SPINNING === 'true',
    sessionThread: (process.env.BENCH_SESSION_THREAD ?? 'true').split(',').map((v) => v === 'true'),
    cpuProfileDir: process.env.BENCH_CPU_PROFILE,
    live: (process.env.BENCH_LIVE ?? 'unwatched,watched').split(',') as ('unwatched' | 'watched')[],
  });
  process.stdout.write(`${report}\n`);
} finally {
  await nats.stop();
}
