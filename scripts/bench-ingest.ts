/**
 * `pnpm bench:ingest`: 1080p JPEGs from N concurrent HTTP pushers through ingest, side by side
 * with a bare JetStream publish of the same bytes, as a ratio. A script, not a test.
 * Options (env): BENCH_PUSHERS (default 4), BENCH_SECONDS (default 10), BENCH_IMAGE (images/ file).
 */
import { dataPath, startNats } from '@sightline/testing';
import { runBench } from '../services/ingest/bench/run.js';

const nats = await startNats();
try {
  const report = await runBench({
    natsUrl: nats.url,
    imagePath: dataPath('images', process.env.BENCH_IMAGE ?? 'yolov5_zidane.jpg'),
    pushers: Number(process.env.BENCH_PUSHERS ?? 4),
    seconds: Number(process.env.BENCH_SECONDS ?? 10),
  });
  process.stdout.write(`${report}\n`);
} finally {
  await nats.stop();
}
