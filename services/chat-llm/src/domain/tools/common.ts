import type { Rollup } from '@sightline/contracts';
import { Type } from '@sinclair/typebox';
import type { DeviceInfo } from '../ports.js';
import { ToolArgumentError, type ToolContext } from './tool.js';

export const DeviceIdsArg = Type.Optional(
  Type.Array(Type.String(), {
    description: 'Device ids or names; omit for every device of the chat',
    maxItems: 50,
  }),
);
export const LastMinutesArg = Type.Optional(
  Type.Integer({
    minimum: 1,
    maximum: 31 * 24 * 60,
    description: 'Window ending now, in minutes (default 60)',
  }),
);
export const FromArg = Type.Optional(
  Type.String({ description: 'Window start, ISO 8601; overrides lastMinutes' }),
);
export const ToArg = Type.Optional(Type.String({ description: 'Window end, ISO 8601 (default now)' }));
export const LabelArg = Type.Optional(
  Type.Union([Type.Literal('person'), Type.Literal('vehicle')], {
    description: 'What to count (default person)',
  }),
);

/** COCO labels that count as a vehicle. */
export const VEHICLE_LABELS = ['car', 'truck', 'bus', 'motorcycle', 'bicycle'] as const;

export type CountLabel = 'person' | 'vehicle';

export function labelArg(value: unknown): CountLabel {
  return value === 'vehicle' ? 'vehicle' : 'person';
}

/** Sum of a counts record for a label group. */
export function countOf(counts: Record<string, number> | undefined, label: CountLabel): number {
  if (!counts) return 0;
  if (label === 'person') return counts.person ?? 0;
  return VEHICLE_LABELS.reduce((sum, l) => sum + (counts[l] ?? 0), 0);
}

/** Resolve ids or names to the chat's devices; an unknown one is an argument error. */
export function resolveDevices(ctx: ToolContext, wanted: unknown): DeviceInfo[] {
  if (!Array.isArray(wanted) || wanted.length === 0) return ctx.devices;
  return wanted.map((w) => {
    const key = String(w).toLowerCase();
    const device = ctx.devices.find((d) => d.deviceId.toLowerCase() === key || d.name.toLowerCase() === key);
    if (!device) throw new ToolArgumentError(`unknown device "${String(w)}"`);
    return device;
  });
}

export interface Window {
  from: number;
  to: number;
}

/** The time window of a range tool: from/to if given, else the last N minutes (default 60). */
export function resolveWindow(ctx: ToolContext, args: Record<string, unknown>): Window {
  const to = typeof args.to === 'string' ? Date.parse(args.to) : ctx.now;
  const lastMinutes = typeof args.lastMinutes === 'number' ? args.lastMinutes : 60;
  const from = typeof args.from === 'string' ? Date.parse(args.from) : to - lastMinutes * 60_000;
  if (Number.isNaN(from) || Number.isNaN(to)) throw new ToolArgumentError('from/to must be ISO 8601 times');
  if (from >= to) throw new ToolArgumentError('the window must start before it ends');
  return { from, to };
}

/** How a window is stated in results and answers. */
export function describeWindow(ctx: ToolContext, w: Window) {
  return {
    from: ctx.time.instant(w.from),
    to: ctx.time.instant(w.to),
    minutes: Math.round((w.to - w.from) / 60_000),
  };
}

/** Round to one decimal, the precision every answer states averages with. */
export function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

/** The arguments every range tool takes: which cameras, which window, what to count. */
export const RangeArgs = Type.Object({
  deviceIds: DeviceIdsArg,
  lastMinutes: LastMinutesArg,
  from: FromArg,
  to: ToArg,
  label: LabelArg,
});

/** What a range tool works from: the chosen devices, the window, the label and their rollups. */
export interface RangeInput {
  devices: DeviceInfo[];
  window: Window;
  label: CountLabel;
  rollups: Rollup[];
}

/** Resolve a range tool's arguments and fetch the per-minute rollups of its devices and window. */
export async function loadRange(
  ctx: ToolContext,
  args: Record<string, unknown>,
  defaults: { lastMinutes?: number } = {},
): Promise<RangeInput> {
  const devices = resolveDevices(ctx, args.deviceIds);
  const window = resolveWindow(ctx, { ...defaults, ...args });
  const label = labelArg(args.label);
  const ids = devices.map((d) => d.deviceId);
  const rollups = await ctx.analytics.rollups(ctx.tenantId, ids, window.from, window.to, ctx.signal);
  return { devices, window, label, rollups };
}
