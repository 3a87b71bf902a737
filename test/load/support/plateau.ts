import type { ResourceSample } from './sampler.js';
import { theilSen } from './sampler.js';
import { quantile, round } from './stats.js';

export interface PlateauVerdict {
  samples: number;
  startMb: number;
  peakMb: number;
  endMb: number;
  /** Median RSS of the first and of the last quarter after warm-up. */
  earlyMedianMb: number;
  lateMedianMb: number;
  /** lateMedian − earlyMedian: how much the level rose after warm-up. */
  plateauGrowthMb: number;
  /** Theil–Sen slope over the second half after warm-up. */
  lateSlopeMbPerMin: number;
  /** That slope over as long again as the run after warm-up: what a leak would add. */
  projectedGrowthMb: number;
  bounded: boolean;
}

const median = (values: number[]) => quantile(values, 0.5);

/**
 * "Memory stops growing after warm-up", two ways that noise cannot fake: the level (median of
 * the last quarter after warm-up against the first quarter's, so one GC peak or trough does not
 * count) rose less than `toleranceMb`, and the trend of the second half (Theil–Sen, robust to
 * saw-teeth) projected over as long again adds less than `toleranceMb`. A leak fails both; a
 * process that warms up and levels off passes both.
 */
export function plateauVerdict(
  all: ResourceSample[],
  warmupSeconds: number,
  toleranceMb: number,
): PlateauVerdict {
  const points = all.filter((s) => Number.isFinite(s.rssMb));
  const after = points.filter((s) => s.t >= warmupSeconds);
  const quarter = Math.max(1, Math.floor(after.length / 4));
  const early = median(after.slice(0, quarter).map((s) => s.rssMb));
  const late = median(after.slice(-quarter).map((s) => s.rssMb));
  const secondHalf = after.slice(Math.floor(after.length / 2)).map((s) => ({ x: s.t / 60, y: s.rssMb }));
  const slope = theilSen(secondHalf);
  const minutesAfterWarmup = after.length > 1 ? (after[after.length - 1]!.t - after[0]!.t) / 60 : 0;
  const projected = Math.max(0, slope) * minutesAfterWarmup;
  const growth = late - early;
  return {
    samples: points.length,
    startMb: points[0]?.rssMb ?? Number.NaN,
    peakMb: Math.max(...points.map((s) => s.rssMb)),
    endMb: points[points.length - 1]?.rssMb ?? Number.NaN,
    earlyMedianMb: round(early),
    lateMedianMb: round(late),
    plateauGrowthMb: round(growth),
    lateSlopeMbPerMin: round(slope, 2),
    projectedGrowthMb: round(projected),
    bounded: after.length >= 8 && growth < toleranceMb && projected < toleranceMb,
  };
}
