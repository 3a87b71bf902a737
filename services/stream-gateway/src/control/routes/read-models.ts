import { requireDevice } from '@sightline/auth';
import {
  Alert,
  type AnalyticEvent,
  ApiError,
  analyticIds,
  buckets,
  compile,
  AnalyticEvent as EventSchema,
  IsoTime,
  Rollup,
  streams,
  subjects,
} from '@sightline/contracts';
import { JsonBucket } from '@sightline/nats';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { queryAnalytics } from '../adapters/analytics-client.js';
import { readRecent } from '../adapters/stream-reader.js';
import type { RouteContext } from '../deps.js';
import { bucketRollups, metricNames } from '../domain/metric-buckets.js';
import { DeviceParams, IdParam, strict } from '../schemas.js';

const READ = ['analytics:read', 'device:read'] as const;
const DAY = 86_400_000;
const validRollup = compile(Rollup);
const validEvent = compile(EventSchema);
const validAlert = compile(Alert);

const MetricsQuery = Type.Object(
  {
    from: Type.Optional(IsoTime),
    to: Type.Optional(IsoTime),
    /** Bucket width in seconds: whole minutes, up to a day. */
    bucket: Type.Optional(Type.Integer({ minimum: 60, maximum: 86_400, multipleOf: 60 })),
    metric: Type.Optional(Type.Union(metricNames.map((m) => Type.Literal(m)))),
    zone: Type.Optional(IdParam),
  },
  strict,
);
const AlertsQuery = Type.Object(
  {
    device: Type.Optional(IdParam),
    severity: Type.Optional(
      Type.Union([Type.Literal('info'), Type.Literal('warning'), Type.Literal('critical')]),
    ),
    state: Type.Optional(Type.Union([Type.Literal('firing'), Type.Literal('resolved')])),
    rule: Type.Optional(IdParam),
    since: Type.Optional(IsoTime),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  },
  strict,
);

function timeRange(from?: string, to?: string): { from: number; to: number } {
  const end = to ? Date.parse(to) : Date.now();
  const start = from ? Date.parse(from) : end - DAY;
  if (start > end) throw new ApiError('bad_request', 'from is after to');
  if (end - start > 31 * DAY) throw new ApiError('bad_request', 'the range is longer than 31 days');
  return { from: start, to: end };
}

export async function readModelRoutes(app: FastifyInstance, ctx: RouteContext): Promise<void> {
  const { control, guard, nc, js, opts } = ctx;
  const sessions = await JsonBucket.open<Record<string, unknown>>(nc, buckets.sessions);

  app.get<{ Params: Static<typeof DeviceParams>; Querystring: Static<typeof MetricsQuery> }>(
    '/api/v1/devices/:id/metrics',
    { schema: { tags: ['read models'], params: DeviceParams, querystring: MetricsQuery } },
    async (request) => {
      const principal = await guard(request, READ);
      const device = await requireDevice(control, principal, request.params.id);
      const { metric = 'counts_mean', bucket = 300, zone } = request.query;
      const range = timeRange(request.query.from, request.query.to);
      const reply = await queryAnalytics(
        nc,
        { tenantId: principal.tenantId, deviceIds: [device.deviceId], metric: 'rollups', ...range },
        opts.analyticsTimeoutMs,
      );
      const rollups = (reply.rollups ?? [])
        .filter((r) => validRollup.check(r))
        .filter(
          (r) => r.tenantId === principal.tenantId && r.deviceId === device.deviceId && r.zoneId === zone,
        );
      const points = bucketRollups(rollups, metric, bucket * 1000);
      return {
        deviceId: device.deviceId,
        metric,
        bucketSec: bucket,
        ...range,
        ...(zone ? { zone } : {}),
        points,
      };
    },
  );

  app.get<{ Params: Static<typeof DeviceParams> }>(
    '/api/v1/devices/:id/heatmap',
    { schema: { tags: ['read models'], params: DeviceParams } },
    async (request) => {
      const principal = await guard(request, READ);
      const device = await requireDevice(control, principal, request.params.id);
      const reply = await queryAnalytics(
        nc,
        { tenantId: principal.tenantId, deviceIds: [device.deviceId], metric: 'heatmap' },
        opts.analyticsTimeoutMs,
      );
      const heatmap = reply.heatmaps?.find((h) => h.deviceId === device.deviceId);
      if (!reply.heatmaps) throw new ApiError('unavailable', 'analytics service does not serve heatmaps yet');
      return heatmap ?? { deviceId: device.deviceId, cols: 1, rows: 1, cells: [0], windowMs: 0 };
    },
  );

  app.get<{ Params: Static<typeof DeviceParams> }>(
    '/api/v1/devices/:id/health',
    { schema: { tags: ['read models'], params: DeviceParams } },
    async (request) => {
      const principal = await guard(request, ['device:read']);
      const device = await requireDevice(control, principal, request.params.id);
      const now = Date.now();
      const stored = await sessions.get(`health.${principal.tenantId}.${device.deviceId}`);
      if (stored && stored.tenantId === principal.tenantId) {
        const at = typeof stored.lastFrameAt === 'number' ? stored.lastFrameAt : null;
        return { ...stored, lastFrameAgeSec: at === null ? null : Math.max(0, (now - at) / 1000) };
      }
      // The same shape ingest writes, for a camera that never sent a frame.
      return {
        tenantId: principal.tenantId,
        deviceId: device.deviceId,
        cameraFps: 0,
        detectFps: 0,
        skippedFps: 0,
        targetFps: device.detectFps,
        reconnects: 0,
        lastFrameAt: null,
        lastFrameAgeSec: null,
        quality: 'unusable',
        source: null,
        pulling: false,
        updatedAt: now,
      };
    },
  );

  app.get<{ Querystring: Static<typeof AlertsQuery> }>(
    '/api/v1/alerts',
    { schema: { tags: ['read models'], querystring: AlertsQuery } },
    async (request) => {
      const principal = await guard(request, READ);
      const q = request.query;
      if (q.device) await requireDevice(control, principal, q.device);
      const filter = q.device
        ? subjects.events(principal.tenantId, q.device, analyticIds.alert)
        : subjects.eventsOfTenantAnalytic(principal.tenantId, analyticIds.alert);
      const sinceMs = q.since ? Date.parse(q.since) : Date.now() - DAY;
      const msgs = await readRecent(js, { stream: streams.events.name, filter, sinceMs, scanMax: 5000 });
      const items: (Alert & { eventId: string })[] = [];
      for (const m of msgs.reverse()) {
        const event = m.json<AnalyticEvent>();
        if (!validEvent.check(event)) continue;
        const alert = event.pipeline_data;
        if (!validAlert.check(alert) || alert.tenantId !== principal.tenantId) continue;
        if (q.severity && alert.severity !== q.severity) continue;
        if (q.state && alert.state !== q.state) continue;
        if (q.rule && alert.ruleId !== q.rule) continue;
        items.push({ ...alert, eventId: event.event_id });
        if (items.length >= (q.limit ?? 100)) break;
      }
      return { items };
    },
  );
}
