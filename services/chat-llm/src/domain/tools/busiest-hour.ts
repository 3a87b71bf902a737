import type { Rollup } from '@sightline/contracts';
import { describeWindow, loadRange, RangeArgs } from './common.js';
import { byDevice, summarise } from './rollup-math.js';
import type { Tool, ToolContext } from './tool.js';

/** The clock hour (in the display zone) with the highest average count over a window. */
export const busiestHourTool: Tool = {
  name: 'busiest_hour',
  description:
    'The busiest clock hour in a time window (default: last 24 hours): the hour with the highest average people (or vehicles) in view, summed over the chosen cameras.',
  parameters: RangeArgs,
  async run(ctx, args) {
    const { devices, window, label, rollups } = await loadRange(ctx, args, { lastMinutes: 24 * 60 });
    const hours = hourlyTotals(ctx, [...byDevice(rollups).values()].flat(), label);
    const busiest = hours.sort((a, b) => b.averageCount - a.averageCount)[0];
    return {
      label,
      window: describeWindow(ctx, window),
      cameras: devices.map((d) => d.name),
      hasData: busiest !== undefined,
      busiestHour: busiest ?? null,
      hoursWithData: hours.length,
    };
  },
};

/** Per hour: sum over devices of each device's frame-weighted average, and the peak. */
function hourlyTotals(ctx: ToolContext, rollups: Rollup[], label: 'person' | 'vehicle') {
  const byHour = new Map<number, Map<string, Rollup[]>>();
  for (const r of rollups) {
    const hour = ctx.time.hourStart(r.minute);
    const devices = byHour.get(hour) ?? new Map<string, Rollup[]>();
    devices.set(r.deviceId, [...(devices.get(r.deviceId) ?? []), r]);
    byHour.set(hour, devices);
  }
  return [...byHour.entries()].map(([hour, devices]) => {
    const summaries = [...devices.values()].map((list) => summarise(list, label));
    return {
      start: ctx.time.hourMinute(hour),
      end: ctx.time.hourMinute(hour + 3_600_000),
      day: ctx.time.instant(hour).slice(0, 10),
      averageCount: Math.round(summaries.reduce((s, x) => s + x.averageCount, 0) * 10) / 10,
      peakCount: Math.max(...summaries.map((s) => s.peakCount)),
    };
  });
}
