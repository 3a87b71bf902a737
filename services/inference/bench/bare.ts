import { Detector } from '../src/adapters/detector.js';
import type { ModelSpec } from '../src/domain/model-registry.js';
import { type Figures, figures } from './images.js';

export interface ThreadBudget {
  intraOpThreads: number;
  interOpThreads: number;
  allowSpinning: boolean;
}

/**
 * The limit: session.run in a loop over tensors made beforehand (no decode, no NMS, no NATS),
 * one run at a time with the same thread budget as the service.
 */
export async function bareRunLoop(
  spec: ModelSpec,
  modelsDir: string,
  frames: Buffer[],
  runs: number,
  budget: ThreadBudget,
): Promise<Figures> {
  const detector = await Detector.load(spec, modelsDir, { ...budget, executionProvider: 'cpu' });
  const tensors: Float32Array[] = [];
  for (const jpeg of frames) {
    const prepared = await detector.prepare(jpeg);
    tensors.push(Float32Array.from(prepared.tensor));
    detector.discard(prepared);
  }
  const runOn = async (i: number) => {
    const k = i % tensors.length;
    tensors[k] = (await detector.model.run(tensors[k]!)).input;
  };
  for (let i = 0; i < 10; i++) await runOn(i);
  const latencies: number[] = [];
  const started = performance.now();
  const cpu = process.cpuUsage();
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await runOn(i);
    latencies.push(performance.now() - t0);
  }
  const result = figures(latencies, (performance.now() - started) / 1000, process.cpuUsage(cpu));
  await detector.release();
  return result;
}
