import { Type } from '@sinclair/typebox';
import {
  DeviceIdsArg,
  describeWindow,
  FromArg,
  LabelArg,
  LastMinutesArg,
  labelArg,
  resolveDevices,
  resolveWindow,
  ToArg,
} from './common.js';
import { byDevice, summarise } from './rollup-math.js';
import type { Tool } from './tool.js';

/** Average, peak and line crossings per device over a window, from the per-minute rollups. */
export const metricsRangeTool: Tool = {
  name: 'metrics_over_range',
  description:
    'Per camera over a time window: average and peak number of people (or vehicles) in view, minutes with data, line crossings in/out.',
  parameters: Type.Object({
    deviceIds: DeviceIdsArg,
    lastMinutes: LastMinutesArg,
    from: FromArg,
    to: ToArg,
    label: LabelArg,
  }),
  async run(ctx, args) {
    const devices = resolveDevices(ctx, args.deviceIds);
    const window = resolveWindow(ctx, args);
    const label = labelArg(args.label);
    const rollups = await ctx.analytics.rollups(
      ctx.tenantId,
      devices.map((d) => d.deviceId),
      window.from,
      window.to,
      ctx.signal,
    );
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
