import { type Static, Type } from '@sinclair/typebox';
import { Id } from './common.js';

/** Request to analytics-aggregation over NATS request/reply. Always scoped to one tenant. */
export const AnalyticsQuery = Type.Object(
  {
    tenantId: Id,
    deviceIds: Type.Optional(Type.Array(Id)),
    metric: Type.Union([Type.Literal('counts_now'), Type.Literal('rollups')]),
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

export const AnalyticsQueryReply = Type.Object(
  {
    ok: Type.Boolean(),
    error: Type.Optional(Type.String()),
    devices: Type.Optional(Type.Array(DeviceCountsNow)),
    rollups: Type.Optional(Type.Array(Type.Unknown())),
  },
  { additionalProperties: false },
);
export type AnalyticsQueryReply = Static<typeof AnalyticsQueryReply>;
