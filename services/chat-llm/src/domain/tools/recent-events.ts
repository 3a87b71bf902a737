import { type AnalyticEvent, analyticIds } from '@sightline/contracts';
import { Type } from '@sinclair/typebox';
import { DeviceIdsArg, resolveDevices } from './common.js';
import type { Tool } from './tool.js';

const analyticNames: Record<string, string> = {
  [analyticIds.peopleCounting]: 'people counting',
  [analyticIds.vehicleCounting]: 'vehicle counting',
  [analyticIds.crowdEstimation]: 'crowd estimation',
  [analyticIds.queue]: 'queue',
  [analyticIds.zone]: 'zone',
  [analyticIds.alert]: 'alert',
};

/** Recent analytic events and alerts (seed 004 shape) from the EVENTS stream, newest first. */
export const recentEventsTool: Tool = {
  name: 'recent_events',
  description:
    'Recent analytic events and alerts (line crossings, zone entries, crowd estimates, alerts) per camera, newest first.',
  parameters: Type.Object({
    deviceIds: DeviceIdsArg,
    lastMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 7 * 24 * 60, description: 'default 60' })),
    alertsOnly: Type.Optional(Type.Boolean()),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, description: 'default 10' })),
  }),
  async run(ctx, args) {
    const devices = resolveDevices(ctx, args.deviceIds);
    const lastMinutes = typeof args.lastMinutes === 'number' ? args.lastMinutes : 60;
    const limit = typeof args.limit === 'number' ? args.limit : 10;
    const since = ctx.now - lastMinutes * 60_000;
    const names = new Map(devices.map((d) => [d.deviceId, d.name]));
    const events = (await ctx.events.recent(ctx.tenantId, since, 500))
      .filter((e) => names.has(e.stream_id))
      .filter((e) => args.alertsOnly !== true || e.analytic_id === analyticIds.alert)
      .sort((a, b) => Number(b.timestamp) - Number(a.timestamp));
    return {
      window: { lastMinutes, from: ctx.time.instant(since), to: ctx.time.instant(ctx.now) },
      total: events.length,
      alerts: events.filter((e) => e.analytic_id === analyticIds.alert).length,
      events: events
        .slice(0, limit)
        .map((e) => describeEvent(ctx.time.instant(Number(e.timestamp) * 1000), names, e)),
    };
  },
};

function describeEvent(time: string, names: Map<string, string>, e: AnalyticEvent) {
  const details = Object.fromEntries(
    Object.entries(e.pipeline_data).filter(([, v]) => ['string', 'number', 'boolean'].includes(typeof v)),
  );
  return {
    time,
    camera: names.get(e.stream_id) ?? e.stream_id,
    analytic: analyticNames[e.analytic_id] ?? e.analytic_id,
    analyticId: e.analytic_id,
    eventId: e.event_id,
    details,
  };
}
