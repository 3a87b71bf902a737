import { type Static, Type } from '@sinclair/typebox';
import { Id } from './common.js';

/** Per-minute aggregate of one device (and optionally one zone), on ROLLUPS. */
export const Rollup = Type.Object(
  {
    tenantId: Id,
    deviceId: Id,
    zoneId: Type.Optional(Type.String()),
    /** Start of the minute, Unix ms. */
    minute: Type.Number(),
    frames: Type.Integer({ minimum: 0 }),
    countsMean: Type.Record(Type.String(), Type.Number()),
    countsMax: Type.Record(Type.String(), Type.Integer()),
    crossingsIn: Type.Optional(Type.Record(Type.String(), Type.Integer())),
    crossingsOut: Type.Optional(Type.Record(Type.String(), Type.Integer())),
    queueLengthMean: Type.Optional(Type.Number()),
    waitP50Ms: Type.Optional(Type.Number()),
    waitP90Ms: Type.Optional(Type.Number()),
    crowdMax: Type.Optional(Type.Integer()),
    geometryVersion: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
export type Rollup = Static<typeof Rollup>;

export const Alert = Type.Object(
  {
    alertId: Id,
    tenantId: Id,
    deviceId: Id,
    ruleId: Type.String(),
    severity: Type.Union([Type.Literal('info'), Type.Literal('warning'), Type.Literal('critical')]),
    state: Type.Union([Type.Literal('firing'), Type.Literal('resolved')]),
    message: Type.String(),
    value: Type.Number(),
    at: Type.Number(),
    geometryVersion: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
export type Alert = Static<typeof Alert>;
