import type { Rollup } from '@sightline/contracts';
import { describeWindow, loadRange, RangeArgs } from './common.js';
import { summarise } from './rollup-math.js';
import type { Tool } from './tool.js';

/** Zones of the chosen cameras ranked by their average count, from the per-zone rollups. */
export const compareZonesTool: Tool = {
  name: 'compare_zones',
  description:
    'Compare the zones of cameras over a time window: ranks each camera zone by average people (or vehicles) inside, with its peak.',
  parameters: RangeArgs,
  async run(ctx, args) {
    const { devices, window, label, rollups } = await loadRange(ctx, args);
    const byZone = new Map<string, Rollup[]>();
    for (const r of rollups) {
      if (r.zoneId === undefined) continue;
      const key = `${r.deviceId}\u0000${r.zoneId}`;
      byZone.set(key, [...(byZone.get(key) ?? []), r]);
    }
    const names = new Map(devices.map((d) => [d.deviceId, d.name]));
    const ranking = [...byZone.entries()]
      .map(([key, list]) => {
        const [deviceId, zoneId] = key.split('\u0000') as [string, string];
        return { camera: names.get(deviceId) ?? deviceId, deviceId, zone: zoneId, ...summarise(list, label) };
      })
      .sort((a, b) => b.averageCount - a.averageCount || b.peakCount - a.peakCount)
      .map((entry, i) => ({ rank: i + 1, ...entry }));
    return { label, window: describeWindow(ctx, window), zones: ranking.length, ranking };
  },
};
