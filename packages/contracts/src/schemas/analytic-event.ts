import { type Static, Type } from '@sinclair/typebox';

export const analyticIds = {
  peopleCounting: 'NFV4-PC',
  vehicleCounting: 'NFV4-VC',
  crowdEstimation: 'NFV4-CE',
  queue: 'SL-QUEUE',
  zone: 'SL-ZONE',
  alert: 'SL-ALERT',
} as const;

/** One of the analytic ids above: what a scene names to choose which events carry an image. */
export const AnalyticId = Type.Union([
  Type.Literal(analyticIds.peopleCounting),
  Type.Literal(analyticIds.vehicleCounting),
  Type.Literal(analyticIds.crowdEstimation),
  Type.Literal(analyticIds.queue),
  Type.Literal(analyticIds.zone),
  Type.Literal(analyticIds.alert),
]);
export type AnalyticId = Static<typeof AnalyticId>;

/**
 * Seed 004 analytic event. `event_id` is the timestamp followed by an 8-character hash,
 * `timestamp` a Unix timestamp as a string, `pipeline_data` the analytic's own fields.
 */
export const AnalyticEvent = Type.Object(
  {
    analytic_id: Type.String({ minLength: 1 }),
    event_id: Type.String({ pattern: '^[0-9]+[0-9a-f]{8}$' }),
    timestamp: Type.String({ pattern: '^[0-9]+$' }),
    stream_id: Type.String(),
    stream_address: Type.String(),
    node_num: Type.Integer({ minimum: 0 }),
    pipeline_data: Type.Record(Type.String(), Type.Unknown()),
    /** Base64 JPEG crop of the triggering frame, when the scene's `eventImages` names the analytic. */
    image_jpeg: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type AnalyticEvent = Static<typeof AnalyticEvent>;
