import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';

/** The real images of the data dir made 1080p (cover-resized to 1920×1080), as camera JPEGs. */
export async function make1080pFrames(imagesDir: string): Promise<Buffer[]> {
  const files = readdirSync(imagesDir).filter((f) => /\.jpe?g$/i.test(f));
  return Promise.all(
    files.map((f) =>
      sharp(readFileSync(join(imagesDir, f)))
        .resize(1920, 1080, { fit: 'cover' })
        .jpeg({ quality: 85 })
        .toBuffer(),
    ),
  );
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export interface Figures {
  frames: number;
  seconds: number;
  fps: number;
  p50Ms: number;
  p99Ms: number;
  /** CPU time of this process per frame (user + system, all threads): robust to a busy machine. */
  cpuMsPerFrame: number;
}

export function figures(latenciesMs: number[], seconds: number, cpu: NodeJS.CpuUsage): Figures {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  return {
    frames: sorted.length,
    seconds,
    fps: sorted.length / seconds,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    cpuMsPerFrame: (cpu.user + cpu.system) / 1000 / Math.max(1, sorted.length),
  };
}
