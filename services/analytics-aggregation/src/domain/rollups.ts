import type { Rollup } from '@sightline/contracts';
import type { Crossing } from './lines.js';

/** What one analysed frame contributes to the minute it falls in. */
export interface FrameFacts {
  at: number;
  geometryVersion: number;
  counts: Record<string, number>;
  zones: Array<{ zoneId: string; counts: Record<string, number>; queueLength?: number }>;
  crossings: readonly Crossing[];
  waits: ReadonlyArray<{ zoneId: string; waitMs: number }>;
}

interface Accumulator {
  frames: number;
  sums: Record<string, number>;
  max: Record<string, number>;
  crossingsIn: Record<string, number>;
  crossingsOut: Record<string, number>;
  queueSum: number;
  queueFrames: number;
  waits: number[];
  crowdMax: number;
}

const DEVICE = '';
const MINUTE_MS = 60_000;

/**
 * Per-minute aggregates of one device: one rollup for the device and one per zone or line
 * that saw something. A minute closes when a frame of a later minute arrives, or on flush();
 * a scene edit inside a minute closes the part measured with the previous geometry.
 */
export class RollupBuilder {
  private minute: number | undefined;
  private version = 0;
  private accs = new Map<string, Accumulator>();

  constructor(
    private readonly tenantId: string,
    private readonly deviceId: string,
  ) {}

  add(facts: FrameFacts): Rollup[] {
    const minute = Math.floor(facts.at / MINUTE_MS) * MINUTE_MS;
    const closed = this.minute !== undefined && minute > this.minute ? this.flush() : [];
    if (this.minute !== undefined && minute < this.minute) return closed; // late frame: its minute is gone
    // A scene edit inside the minute: what the old geometry measured becomes its own rollup, so
    // every figure keeps the geometry version that produced it. Readers add the parts up by frames.
    if (this.minute === minute && facts.geometryVersion !== this.version) closed.push(...this.flush());
    this.minute = minute;
    this.version = facts.geometryVersion;
    this.addCounts(this.acc(DEVICE), facts.counts);
    for (const zone of facts.zones) {
      const acc = this.acc(zone.zoneId);
      this.addCounts(acc, zone.counts);
      if (zone.queueLength !== undefined) {
        acc.queueSum += zone.queueLength;
        acc.queueFrames++;
      }
    }
    for (const c of facts.crossings) {
      for (const acc of [this.acc(DEVICE), this.acc(c.lineId)]) {
        const bucket = c.direction === 'in' ? acc.crossingsIn : acc.crossingsOut;
        bucket[c.label] = (bucket[c.label] ?? 0) + 1;
      }
    }
    for (const w of facts.waits) this.acc(w.zoneId).waits.push(w.waitMs);
    return closed;
  }

  /** Close the open minute and return its rollups (none when nothing is open). */
  flush(): Rollup[] {
    if (this.minute === undefined) return [];
    const out = [...this.accs].map(([key, acc]) => this.rollupOf(key, acc, this.minute!));
    this.accs = new Map();
    this.minute = undefined;
    return out;
  }

  private acc(key: string): Accumulator {
    let acc = this.accs.get(key);
    if (!acc) {
      acc = {
        frames: 0,
        sums: {},
        max: {},
        crossingsIn: {},
        crossingsOut: {},
        queueSum: 0,
        queueFrames: 0,
        waits: [],
        crowdMax: 0,
      };
      this.accs.set(key, acc);
    }
    return acc;
  }

  private addCounts(acc: Accumulator, counts: Record<string, number>): void {
    acc.frames++;
    for (const [label, n] of Object.entries(counts)) {
      acc.sums[label] = (acc.sums[label] ?? 0) + n;
      acc.max[label] = Math.max(acc.max[label] ?? 0, n);
    }
    acc.crowdMax = Math.max(acc.crowdMax, counts.person ?? 0);
  }

  private rollupOf(key: string, acc: Accumulator, minute: number): Rollup {
    const countsMean: Record<string, number> = {};
    for (const [label, sum] of Object.entries(acc.sums))
      countsMean[label] = round(sum / Math.max(1, acc.frames));
    const waits = [...acc.waits].sort((a, b) => a - b);
    const rollup: Rollup = {
      tenantId: this.tenantId,
      deviceId: this.deviceId,
      ...(key === DEVICE ? {} : { zoneId: key }),
      minute,
      frames: acc.frames,
      countsMean,
      countsMax: { ...acc.max },
      crossingsIn: { ...acc.crossingsIn },
      crossingsOut: { ...acc.crossingsOut },
      crowdMax: acc.crowdMax,
      geometryVersion: this.version,
    };
    if (acc.queueFrames > 0) rollup.queueLengthMean = round(acc.queueSum / acc.queueFrames);
    if (waits.length > 0) {
      rollup.waitP50Ms = percentile(waits, 0.5);
      rollup.waitP90Ms = percentile(waits, 0.9);
    }
    return rollup;
  }
}

/**
 * Nats-Msg-Id of a rollup: tenant.device.minute, plus the zone or line for theirs, plus the
 * geometry version, since a minute that spans a scene edit has one rollup per version.
 */
export function rollupMsgId(r: Rollup): string {
  const base = `${r.tenantId}.${r.deviceId}.${r.minute}`;
  return `${r.zoneId ? `${base}.${r.zoneId}` : base}.v${r.geometryVersion}`;
}

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
