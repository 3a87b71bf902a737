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

/** A point's value: a number, or one class of a per-class record (`{person: 2.5, car: 1}`). */
const metricValue = (item: Record<string, unknown>, metric: string, pick?: string): number | undefined => {
  for (const key of ['value', 'mean', 'avg', 'count', metric]) {
    const v = item[key];
    if (typeof v === 'number') return v;
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const record = v as Record<string, number>;
      return pick ? (record[pick] ?? 0) : Object.values(record).reduce((a, n) => a + n, 0);
    }
  }
  // A raw Rollup: people are the per-minute mean count of persons.
  const means = item.countsMean as Record<string, number> | undefined;
  if (metric === 'people' && means) return means.person ?? 0;
  if (metric === 'queue_length' && typeof item.queueLengthMean === 'number') return item.queueLengthMean;
  return undefined;
};

/**
 * Points of a metric from the gateway's `{points: [{t, frames, value}]}` (value a number or a
 * per-class record, of which `pick` selects one class) or a bare array of such points.
 */
export function seriesFrom(body: unknown, metric: string, pick?: string): Point[] {
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
    const value = metricValue(item, metric, pick);
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

/** Per-key totals over every point of a per-key metric (e.g. crossings per line over the hour). */
export function totalsFrom(body: unknown): Map<string, number> {
  const totals = new Map<string, number>();
  const points = (body as { points?: Array<{ value?: unknown }> } | null)?.points ?? [];
  for (const point of points) {
    if (!point.value || typeof point.value !== 'object') continue;
    for (const [key, n] of Object.entries(point.value as Record<string, number>)) {
      if (typeof n === 'number') totals.set(key, (totals.get(key) ?? 0) + n);
    }
  }
  return totals;
}
