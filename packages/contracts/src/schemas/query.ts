import { type Static, Type } from '@sinclair/typebox';
import { Id } from './common.js';

/** Request to analytics-aggregation over NATS request/reply. Always scoped to one tenant. */
export const AnalyticsQuery = Type.Object(
  {
    tenantId: Id,
    deviceIds: Type.Optional(Type.Array(Id)),
    /** `heatmap` (added for the gateway's heatmap read model): the occupancy grid of one device. */
    metric: Type.Union([Type.Literal('counts_now'), Type.Literal('rollups'), Type.Literal('heatmap')]),
    from: Type.Optional(Type.Number()),
    to: Type.Optional(Type.Number()),
  },
  { additionalProperties: false },
);
export type AnalyticsQuery = Static<typeof AnalyticsQuery>;

export const DeviceCountsNow = Type.Object(
  {
    deviceId: Id,
    /** Time of the latest analysed frame, Unix ms; absent when none was analysed yet. */
    at: Type.Optional(Type.Number()),
    frameId: Type.Optional(Id),
    counts: Type.Record(Type.String(), Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);
export type DeviceCountsNow = Static<typeof DeviceCountsNow>;

/** Occupancy grid of one device over a sliding window (reply to `metric: 'heatmap'`). */
export const DeviceHeatmap = Type.Object(
  {
    deviceId: Id,
    cols: Type.Integer({ minimum: 1 }),
    rows: Type.Integer({ minimum: 1 }),
    /** Object-frames whose anchor fell in each cell, row-major. */
    cells: Type.Array(Type.Integer({ minimum: 0 })),
    windowMs: Type.Integer({ minimum: 0 }),
    at: Type.Optional(Type.Number()),
  },
  { additionalProperties: false },
);
export type DeviceHeatmap = Static<typeof DeviceHeatmap>;

export const AnalyticsQueryReply = Type.Object(
  {
    ok: Type.Boolean(),
    error: Type.Optional(Type.String()),
    devices: Type.Optional(Type.Array(DeviceCountsNow)),
    rollups: Type.Optional(Type.Array(Type.Unknown())),
    heatmaps: Type.Optional(Type.Array(DeviceHeatmap)),
  },
  { additionalProperties: false },
);
export type AnalyticsQueryReply = Static<typeof AnalyticsQueryReply>;
