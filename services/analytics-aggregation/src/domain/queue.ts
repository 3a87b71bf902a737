import type { Point, SceneZone } from '@sightline/contracts';
import type { AnchoredObject, ZoneOccupancy } from './zones.js';

export interface QueueWait {
  zoneId: string;
  trackId: number;
  waitMs: number;
  at: number;
}

export interface WaitPrediction {
  p50Ms?: number;
  p90Ms?: number;
  /** People served per minute over the window. */
  serviceRatePerMin?: number;
}

const DEFAULT_SERVICE_RADIUS_PX = 30;
/** p90/p50 used until enough waits were observed to measure the spread. */
const DEFAULT_SPREAD = 1.5;
const MIN_WAITS_FOR_SPREAD = 5;

/**
 * Predicted wait of someone joining a queue of `queueLength` now. Little's law gives the mean
 * wait as L / λ, with λ the recent service rate; we use it as the p50 and widen it to a p90 by
 * the spread (p90/p50) of the waits observed recently. Without a service rate yet, the observed
 * waits themselves are the prediction.
 */
export function predictWait(
  queueLength: number,
  serviceRatePerMs: number | undefined,
  waits: number[],
): WaitPrediction {
  const sorted = [...waits].sort((a, b) => a - b);
  const observedP50 = quantile(sorted, 0.5);
  const observedP90 = quantile(sorted, 0.9);
  const spread =
    sorted.length >= MIN_WAITS_FOR_SPREAD && observedP50 && observedP90
      ? observedP90 / observedP50
      : DEFAULT_SPREAD;
  if (serviceRatePerMs && serviceRatePerMs > 0) {
    const p50 = queueLength / serviceRatePerMs;
    return { p50Ms: p50, p90Ms: p50 * Math.max(1, spread), serviceRatePerMin: serviceRatePerMs * 60_000 };
  }
  if (observedP50 === undefined) return {};
  return { p50Ms: observedP50, p90Ms: observedP90 };
}

export function quantile(sorted: readonly number[], q: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/**
 * A queue zone: its length is its occupancy; a member whose anchor reaches the service point
 * is served, and its wait (from entering the zone) is recorded once.
 */
export class QueueMonitor {
  private readonly served = new Set<number>();
  private services: number[] = [];
  private waits: QueueWait[] = [];
  /** First frame seen: the service rate is measured over at most the time since. */
  private since: number | undefined;

  constructor(
    readonly zone: SceneZone,
    private readonly occupancy: ZoneOccupancy,
    private readonly windowMs = 10 * 60_000,
  ) {}

  update(objects: readonly AnchoredObject[], at: number): QueueWait[] {
    this.since ??= at;
    const service = this.zone.servicePoint;
    if (!service) return [];
    const radius = this.zone.serviceRadius ?? DEFAULT_SERVICE_RADIUS_PX;
    const members = new Map(this.occupancy.inside().map((m) => [m.trackId, m]));
    const out: QueueWait[] = [];
    for (const o of objects) {
      const member = members.get(o.trackId);
      if (!member || this.served.has(o.trackId) || distance(o.anchor, service) > radius) continue;
      this.served.add(o.trackId);
      const wait = { zoneId: this.zone.id, trackId: o.trackId, waitMs: at - member.enteredAt, at };
      this.waits.push(wait);
      this.services.push(at);
      out.push(wait);
    }
    this.forget(at);
    return out;
  }

  length(): number {
    return this.occupancy.inside().filter((m) => !this.served.has(m.trackId)).length;
  }

  prediction(at: number): WaitPrediction {
    const span = Math.min(this.windowMs, at - (this.since ?? at));
    const rate = this.services.length >= 2 && span > 0 ? this.services.length / span : undefined;
    return predictWait(
      this.length(),
      rate,
      this.waits.map((w) => w.waitMs),
    );
  }

  end(trackIds: readonly number[]): void {
    for (const id of trackIds) this.served.delete(id);
  }

  private forget(at: number): void {
    const horizon = at - this.windowMs;
    if (this.services.length > 0 && this.services[0]! < horizon) {
      this.services = this.services.filter((t) => t >= horizon);
      this.waits = this.waits.filter((w) => w.at >= horizon);
    }
  }
}

function distance(a: Point, b: Point): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1]);
}
