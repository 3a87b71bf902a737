import { describeWindow, loadRange, RangeArgs } from './common.js';
import { byDevice, summarise } from './rollup-math.js';
import type { Tool } from './tool.js';

/** Average, peak and line crossings per device over a window, from the per-minute rollups. */
export const metricsRangeTool: Tool = {
  name: 'metrics_over_range',
  description:
    'Per camera over a time window: average and peak number of people (or vehicles) in view, minutes with data, line crossings in/out.',
  parameters: RangeArgs,
  async run(ctx, args) {
    const { devices, window, label, rollups } = await loadRange(ctx, args);
    const grouped = byDevice(rollups);
    return {
      label,
      window: describeWindow(ctx, window),
      devices: devices.map((d) => ({
        deviceId: d.deviceId,
        name: d.name,
        ...summarise(grouped.get(d.deviceId) ?? [], label),
      })),
    };
  },
};
