/** Tolerant readers for the rollup and heatmap answers: the shape is checked, not assumed. */

export interface Point {
  at: number;
  value: number;
}

const timeOf = (item: Record<string, unknown>): number | undefined => {
  for (const key of ['at', 't', 'minute', 'bucket', 'start', 'from', 'time', 'timestamp']) {
    const v = item[key];
    if (typeof v === 'number') return v;
    if (typeof v === 'string' && !Number.isNaN(Date.parse(v))) return Date.parse(v);
  }
  return undefined;
};

const metricValue = (item: Record<string, unknown>, metric: string): number | undefined => {
  for (const key of ['value', 'mean', 'avg', 'count', metric]) {
    const v = item[key];
    if (typeof v === 'number') return v;
  }
  // A raw Rollup: people are the per-minute mean count of persons.
  const means = item.countsMean as Record<string, number> | undefined;
  if (metric === 'people' && means) return means.person ?? 0;
  if (metric === 'queue_length' && typeof item.queueLengthMean === 'number') return item.queueLengthMean;
  return undefined;
};

/** Points of a metric from `{points|series|buckets|items|rollups: [...]}` or a bare array. */
export function seriesFrom(body: unknown, metric: string): Point[] {
  const record = body as Record<string, unknown> | null;
  const list = Array.isArray(body)
    ? body
    : (['points', 'series', 'buckets', 'items', 'rollups', 'data']
        .map((k) => record?.[k])
        .find(Array.isArray) as unknown[] | undefined);
  const points: Point[] = [];
  for (const raw of list ?? []) {
    if (Array.isArray(raw) && typeof raw[0] === 'number' && typeof raw[1] === 'number') {
      points.push({ at: raw[0], value: raw[1] });
      continue;
    }
    const item = raw as Record<string, unknown>;
    const at = timeOf(item);
    const value = metricValue(item, metric);
    if (at !== undefined && value !== undefined) points.push({ at, value });
  }
  return points.sort((a, b) => a.at - b.at);
}

export interface HeatGrid {
  cols: number;
  rows: number;
  cells: number[];
}

/** `{cols, rows, cells|values|counts: number[] | number[][]}` → a flat grid, or undefined. */
export function heatGridFrom(body: unknown): HeatGrid | undefined {
  const record = body as Record<string, unknown> | null;
  const raw = ['cells', 'values', 'counts', 'grid'].map((k) => record?.[k]).find(Array.isArray) as
    | unknown[]
    | undefined;
  if (!raw) return undefined;
  const nested = Array.isArray(raw[0]);
  const cells = (nested ? (raw as number[][]).flat() : (raw as number[])).map(Number);
  const rows = Number(record?.rows ?? (nested ? raw.length : 0));
  const cols = Number(record?.cols ?? (nested ? (raw[0] as unknown[]).length : 0));
  if (!rows || !cols || cells.length !== rows * cols) return undefined;
  return { cols, rows, cells };
}
