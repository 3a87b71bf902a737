import { Type } from '@sinclair/typebox';
import { DeviceIdsArg, resolveDevices, round1 } from './common.js';
import type { Tool } from './tool.js';

/** How far back a queue measurement still counts as "now". */
const QUEUE_LOOKBACK_MS = 15 * 60_000;

/** Queue length and predicted wait from the latest minute rollup that measured a queue. */
export const queueStatusTool: Tool = {
  name: 'queue_status',
  description:
    'Current queue per camera with a queue zone: average queue length and predicted wait (median and 90th percentile, in minutes) of the latest measured minute in the last 15 minutes.',
  parameters: Type.Object({ deviceIds: DeviceIdsArg }),
  async run(ctx, args) {
    const devices = resolveDevices(ctx, args.deviceIds);
    const from = ctx.now - QUEUE_LOOKBACK_MS;
    const rollups = await ctx.analytics.rollups(
      ctx.tenantId,
      devices.map((d) => d.deviceId),
      from,
      ctx.now,
      ctx.signal,
    );
    return {
      lookbackMinutes: QUEUE_LOOKBACK_MS / 60_000,
      devices: devices.map((d) => {
        const latest = rollups
          .filter((r) => r.deviceId === d.deviceId && r.queueLengthMean !== undefined)
          .sort((a, b) => b.minute - a.minute)[0];
        if (!latest) return { deviceId: d.deviceId, name: d.name, hasQueueData: false };
        return {
          deviceId: d.deviceId,
          name: d.name,
          hasQueueData: true,
          zoneId: latest.zoneId ?? null,
          queueLength: round1(latest.queueLengthMean ?? 0),
          predictedWaitMinutes: latest.waitP50Ms === undefined ? null : round1(latest.waitP50Ms / 60_000),
          waitP90Minutes: latest.waitP90Ms === undefined ? null : round1(latest.waitP90Ms / 60_000),
          minuteStart: ctx.time.instant(latest.minute),
        };
      }),
    };
  },
};
