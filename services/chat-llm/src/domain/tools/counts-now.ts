import { Type } from '@sinclair/typebox';
import { countOf, DeviceIdsArg, resolveDevices, VEHICLE_LABELS } from './common.js';
import type { Tool } from './tool.js';

/** People and vehicles in view right now, per device, with the time of the frame they come from. */
export const countsNowTool: Tool = {
  name: 'counts_now',
  description:
    'Latest counts per camera: people and vehicles in view in the most recent analysed frame, with the time of that frame.',
  parameters: Type.Object({ deviceIds: DeviceIdsArg }),
  async run(ctx, args) {
    const devices = resolveDevices(ctx, args.deviceIds);
    const ids = devices.map((d) => d.deviceId);
    const latest = await ctx.analytics.countsNow(ctx.tenantId, ids, ctx.signal);
    const byId = new Map(latest.map((c) => [c.deviceId, c]));
    const rows = devices.map((d) => {
      const c = byId.get(d.deviceId);
      const hasData = c?.at !== undefined;
      return {
        deviceId: d.deviceId,
        name: d.name,
        hasData,
        people: hasData ? countOf(c?.counts, 'person') : null,
        vehicles: hasData ? countOf(c?.counts, 'vehicle') : null,
        counts: c?.counts ?? {},
        dataTime: hasData ? ctx.time.instant(c!.at!) : null,
        dataAtMs: c?.at ?? null,
      };
    });
    const withData = rows.filter((r) => r.hasData);
    return {
      devices: rows,
      // Totals are here, not computed by the answer, so a stated total is a tool's number.
      totalPeople: withData.reduce((sum, r) => sum + (r.people ?? 0), 0),
      totalVehicles: withData.reduce((sum, r) => sum + (r.vehicles ?? 0), 0),
      vehicleLabels: [...VEHICLE_LABELS],
    };
  },
};
