import { type AnalyticEvent, analyticEventId, analyticIds } from '@sightline/contracts';
import type { Crossing } from './lines.js';
import type { QueueWait } from './queue.js';
import type { AlertTransition } from './rules.js';
import type { ZoneTransition } from './zones.js';

/** The device and scene an event is about. */
export interface EventContext {
  tenantId: string;
  deviceId: string;
  streamAddress: string;
  nodeNum: number;
  geometryVersion: number;
}

/**
 * What an event is about, so its image (scene `eventImages`) can be cropped around it: a track
 * (its box in the frame that triggered the event), else a zone, else a rule's target zone.
 */
export interface EventFocus {
  trackId?: number;
  zoneId?: string;
  ruleId?: string;
}

export interface OutgoingEvent {
  /** Subject token: the seed 004 analytic id. */
  analytic: string;
  event: AnalyticEvent;
  focus: EventFocus;
}

/** COCO classes NFV4-VC counts. */
export const VEHICLE_CLASSES: ReadonlySet<string> = new Set(['car', 'motorcycle', 'bus', 'truck', 'bicycle']);

function envelope(
  ctx: EventContext,
  analytic: string,
  at: number,
  pipelineData: Record<string, unknown>,
  focus: EventFocus,
  ...key: string[]
): OutgoingEvent {
  const seconds = Math.floor(at / 1000);
  return {
    analytic,
    focus,
    event: {
      analytic_id: analytic,
      event_id: analyticEventId(seconds, analytic, ctx.tenantId, ctx.deviceId, ...key),
      timestamp: String(seconds),
      stream_id: ctx.deviceId,
      stream_address: ctx.streamAddress,
      node_num: ctx.nodeNum,
      pipeline_data: { ...pipelineData, geometry_version: ctx.geometryVersion },
    },
  };
}

/** NFV4-PC for people, NFV4-VC for vehicles; other classes crossing a line are not events. */
export function crossingEvent(ctx: EventContext, c: Crossing, areaName: string): OutgoingEvent | undefined {
  const analytic =
    c.label === 'person'
      ? analyticIds.peopleCounting
      : VEHICLE_CLASSES.has(c.label)
        ? analyticIds.vehicleCounting
        : undefined;
  if (!analytic) return undefined;
  return envelope(
    ctx,
    analytic,
    c.at,
    {
      area_name: areaName,
      line_id: c.lineId,
      direction: c.direction,
      track_id: c.trackId,
      label: c.label,
      confidence: round(c.score),
      primary_text: c.label,
      secondary_text: '',
    },
    { trackId: c.trackId },
    c.lineId,
    String(c.trackId),
    c.direction,
    String(c.at),
  );
}

/** NFV4-CE: people estimated in a zone (or the whole frame), once per interval. */
export function crowdEvent(
  ctx: EventContext,
  zoneId: string,
  areaName: string,
  estimation: number,
  intervalSec: number,
  at: number,
): OutgoingEvent {
  const slot = String(Math.floor(at / (intervalSec * 1000)));
  return envelope(
    ctx,
    analyticIds.crowdEstimation,
    at,
    {
      area: areaName,
      zone_id: zoneId,
      estimation,
      interval: intervalSec,
      primary_text: String(estimation),
      secondary_text: areaName,
    },
    { zoneId },
    zoneId,
    slot,
  );
}

export function zoneEvent(ctx: EventContext, t: ZoneTransition): OutgoingEvent {
  return envelope(
    ctx,
    analyticIds.zone,
    t.at,
    {
      zone_id: t.zoneId,
      kind: t.kind,
      track_id: t.trackId,
      label: t.label,
      ...(t.dwellMs !== undefined ? { dwell_ms: t.dwellMs } : {}),
    },
    { trackId: t.trackId, zoneId: t.zoneId },
    t.zoneId,
    String(t.trackId),
    t.kind,
    String(t.at),
  );
}

export function queueEvent(
  ctx: EventContext,
  w: QueueWait,
  prediction: { p50Ms?: number; p90Ms?: number },
): OutgoingEvent {
  return envelope(
    ctx,
    analyticIds.queue,
    w.at,
    {
      zone_id: w.zoneId,
      track_id: w.trackId,
      wait_ms: w.waitMs,
      predicted_p50_ms: prediction.p50Ms,
      predicted_p90_ms: prediction.p90Ms,
    },
    { trackId: w.trackId, zoneId: w.zoneId },
    w.zoneId,
    String(w.trackId),
  );
}

/** An alert travels as an event whose pipeline_data is the contracts' Alert. */
export function alertEvent(ctx: EventContext, a: AlertTransition): OutgoingEvent {
  const alertId = analyticEventId(
    Math.floor(a.at / 1000),
    ctx.tenantId,
    ctx.deviceId,
    a.ruleId,
    a.state,
    String(a.at),
  );
  return envelope(
    ctx,
    analyticIds.alert,
    a.at,
    {
      alertId,
      tenantId: ctx.tenantId,
      deviceId: ctx.deviceId,
      ruleId: a.ruleId,
      severity: a.severity,
      state: a.state,
      message: a.message,
      value: a.value,
      at: a.at,
      geometryVersion: ctx.geometryVersion,
    },
    { ruleId: a.ruleId },
    a.ruleId,
    a.state,
    String(a.at),
  );
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
