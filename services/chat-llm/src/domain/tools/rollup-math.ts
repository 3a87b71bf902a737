import type { Rollup } from '@sightline/contracts';
import { type CountLabel, countOf, round1 } from './common.js';

/** Frame-weighted mean, peak and crossings of a set of per-minute rollups. */
export interface RollupSummary {
  averageCount: number;
  peakCount: number;
  minutesWithData: number;
  framesAnalysed: number;
  crossingsIn: number;
  crossingsOut: number;
}

export function summarise(rollups: readonly Rollup[], label: CountLabel): RollupSummary {
  let weighted = 0;
  let frames = 0;
  let peak = 0;
  let crossingsIn = 0;
  let crossingsOut = 0;
  for (const r of rollups) {
    weighted += countOf(r.countsMean, label) * r.frames;
    frames += r.frames;
    peak = Math.max(peak, countOf(r.countsMax, label));
    crossingsIn += countOf(r.crossingsIn, label);
    crossingsOut += countOf(r.crossingsOut, label);
  }
  return {
    averageCount: frames > 0 ? round1(weighted / frames) : 0,
    peakCount: peak,
    minutesWithData: new Set(rollups.map((r) => r.minute)).size,
    framesAnalysed: frames,
    crossingsIn,
    crossingsOut,
  };
}

/** Rollups of whole-device aggregates only (zone rollups carry a zoneId), grouped by device. */
export function byDevice(rollups: readonly Rollup[]): Map<string, Rollup[]> {
  const out = new Map<string, Rollup[]>();
  for (const r of rollups) {
    if (r.zoneId !== undefined) continue;
    const list = out.get(r.deviceId) ?? [];
    list.push(r);
    out.set(r.deviceId, list);
  }
  return out;
}
