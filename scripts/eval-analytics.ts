/**
 * `pnpm eval:analytics` (tsx scripts/eval-analytics.ts): YOLOX-Nano — the inference service's own
 * detector code — on the real frames of the shared MOT sequences, fed through analytics-aggregation's
 * DeviceAnalyzer; prints MOTA, IDF1, ID switches, people-per-frame error and line-crossing count
 * error against the ground truth, as the Markdown table of docs/accuracy.md.
 * Options: `--frames N` evaluates only the first N frames of each sequence.
 */
import { formatTable, runEvaluation } from '../services/analytics-aggregation/eval/run.js';

const framesArg = process.argv.indexOf('--frames');
const maxFrames = framesArg > 0 ? Number(process.argv[framesArg + 1]) : undefined;
const started = performance.now();
const results = await runEvaluation(undefined, maxFrames);
process.stdout.write(`${formatTable(results)}\n`);
process.stdout.write(`\n(${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
