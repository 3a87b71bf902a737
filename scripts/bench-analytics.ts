/**
 * `pnpm bench:analytics`: analytics-aggregation batches/s, p99 latency and memory per device
 * for 100 devices × 20 objects per frame. Prints figures; asserts nothing about speed.
 * Run with `tsx --expose-gc` so memory per device is measured after a forced GC. `--quick`: a short run.
 */
import { runBench } from '../services/analytics-aggregation/bench/run.js';

process.stdout.write(`${await runBench()}\n`);
