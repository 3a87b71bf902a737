/** The soak's memory criterion on synthetic series: it must pass a warm-up that levels off with GC noise, and fail a leak. */
import { describe, expect, it } from 'vitest';
import { plateauVerdict } from './support/plateau.js';
import type { ResourceSample } from './support/sampler.js';

/** 30 minutes sampled every 12 s: `mb(t)` plus a GC saw-tooth of ±12 MB. */
function series(mb: (minutes: number) => number): ResourceSample[] {
  return Array.from({ length: 150 }, (_, i) => {
    const t = i * 12;
    const sawTooth = ((i % 7) - 3) * 4;
    return { t, rssMb: mb(t / 60) + sawTooth, ready: true };
  });
}

describe('plateauVerdict', () => {
  it('passes a process that warms up for five minutes and then levels off, despite GC saw-teeth', () => {
    const verdict = plateauVerdict(
      series((m) => 150 + 80 * Math.min(1, m / 5)),
      360,
      64,
    );
    expect(verdict.bounded).toBe(true);
    expect(Math.abs(verdict.plateauGrowthMb)).toBeLessThan(10);
  });

  it('fails a leak of 3 MB/min after warm-up', () => {
    const verdict = plateauVerdict(
      series((m) => 150 + 3 * m),
      360,
      64,
    );
    expect(verdict.bounded).toBe(false);
    expect(verdict.lateSlopeMbPerMin).toBeGreaterThan(2);
  });

  it('fails when the run is too short to judge', () => {
    expect(plateauVerdict(series(() => 150).slice(0, 35), 360, 64).bounded).toBe(false);
  });
});
