import { describeWindow, loadRange, RangeArgs } from './common.js';
import { byDevice, summarise } from './rollup-math.js';
import type { Tool } from './tool.js';

/** Devices ranked by their average count over one window, busiest first. */
export const compareDevicesTool: Tool = {
  name: 'compare_devices',
  description:
    "Compare cameras over a time window: ranks them by average people (or vehicles) in view, with each one's peak.",
  parameters: RangeArgs,
  async run(ctx, args) {
    const { devices, window, label, rollups } = await loadRange(ctx, args);
    const grouped = byDevice(rollups);
    const ranked = devices
      .map((d) => ({
        deviceId: d.deviceId,
        name: d.name,
        ...summarise(grouped.get(d.deviceId) ?? [], label),
      }))
      .sort((a, b) => b.averageCount - a.averageCount || b.peakCount - a.peakCount)
      .map((entry, i) => ({ rank: i + 1, ...entry }));
    return { label, window: describeWindow(ctx, window), ranking: ranked };
  },
};
