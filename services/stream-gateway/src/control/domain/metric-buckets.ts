import type { Rollup } from '@sightline/contracts';

export const metricNames = [
  'frames',
  'counts_mean',
  'counts_max',
  'crossings_in',
  'crossings_out',
  'queue_length_mean',
  'wait_p50_ms',
  'wait_p90_ms',
  'crowd_max',
] as const;
export type MetricName = (typeof metricNames)[number];

export type MetricValue = number | Record<string, number>;
export interface MetricPoint {
  /** Bucket start, Unix ms. */
  t: number;
  frames: number;
  value: MetricValue;
}

type Reducer = 'sum' | 'max' | 'mean';
const how: Record<
  MetricName,
  { reduce: Reducer; read: (r: Rollup) => number | Record<string, number> | undefined }
> = {
  frames: { reduce: 'sum', read: (r) => r.frames },
  counts_mean: { reduce: 'mean', read: (r) => r.countsMean },
  counts_max: { reduce: 'max', read: (r) => r.countsMax },
  crossings_in: { reduce: 'sum', read: (r) => r.crossingsIn },
  crossings_out: { reduce: 'sum', read: (r) => r.crossingsOut },
  queue_length_mean: { reduce: 'mean', read: (r) => r.queueLengthMean },
  // Percentiles cannot be merged exactly from per-minute values: the bucket reports its worst minute.
  wait_p50_ms: { reduce: 'max', read: (r) => r.waitP50Ms },
  wait_p90_ms: { reduce: 'max', read: (r) => r.waitP90Ms },
  crowd_max: { reduce: 'max', read: (r) => r.crowdMax },
};

function combine(reduce: Reducer, acc: number, v: number, frames: number): number {
  if (reduce === 'sum') return acc + v;
  if (reduce === 'max') return Math.max(acc, v);
  return acc + v * frames; // weighted sum; divided by the bucket's frames at the end
}

/** Per-minute rollups of one device re-bucketed to `bucketMs`, one metric, oldest first. */
export function bucketRollups(
  rollups: readonly Rollup[],
  metric: MetricName,
  bucketMs: number,
): MetricPoint[] {
  const { reduce, read } = how[metric];
  const buckets = new Map<number, { frames: number; scalar?: number; perClass?: Record<string, number> }>();
  for (const r of rollups) {
    const value = read(r);
    if (value === undefined) continue;
    const t = Math.floor(r.minute / bucketMs) * bucketMs;
    const b = buckets.get(t) ?? { frames: 0 };
    b.frames += r.frames;
    if (typeof value === 'number') b.scalar = combine(reduce, b.scalar ?? 0, value, r.frames);
    else {
      b.perClass ??= {};
      for (const [k, v] of Object.entries(value))
        b.perClass[k] = combine(reduce, b.perClass[k] ?? 0, v, r.frames);
    }
    buckets.set(t, b);
  }
  const finish = (v: number, frames: number) => (reduce === 'mean' ? (frames > 0 ? v / frames : 0) : v);
  return [...buckets.entries()]
    .sort(([a], [b]) => a - b)
    .map(([t, b]) => ({
      t,
      frames: b.frames,
      value: b.perClass
        ? Object.fromEntries(Object.entries(b.perClass).map(([k, v]) => [k, finish(v, b.frames)]))
        : finish(b.scalar ?? 0, b.frames),
    }));
}
