import type { AnalysisResult, AnalyticEventMessage, Scene } from './types.js';

/** Per device, what the seed 004 events told us: queue predictions, crowd estimates, crossings. */
export interface DeviceTally {
  waitP50Ms: Map<string, number>;
  crowd: Map<string, number>;
  crossings: Map<string, { in: number; out: number }>;
}

export function emptyTally(): DeviceTally {
  return { waitP50Ms: new Map(), crowd: new Map(), crossings: new Map() };
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

/** Folds one event into the tally (NFV4-PC/VC crossings, NFV4-CE crowd, SL-QUEUE predictions). */
export function tallyEvent(tally: DeviceTally, event: AnalyticEventMessage): void {
  const data = event.pipeline_data;
  switch (event.analytic_id) {
    case 'NFV4-PC':
    case 'NFV4-VC': {
      const lineId = str(data.line_id);
      const direction = str(data.direction);
      if (!lineId || (direction !== 'in' && direction !== 'out')) return;
      const counts = tally.crossings.get(lineId) ?? { in: 0, out: 0 };
      counts[direction] += 1;
      tally.crossings.set(lineId, counts);
      return;
    }
    case 'NFV4-CE': {
      const zoneId = str(data.zone_id);
      const estimation = num(data.estimation);
      if (zoneId && estimation !== undefined) tally.crowd.set(zoneId, estimation);
      return;
    }
    case 'SL-QUEUE': {
      const zoneId = str(data.zone_id);
      const p50 = num(data.predicted_p50_ms);
      if (zoneId && p50 !== undefined) tally.waitP50Ms.set(zoneId, p50);
      return;
    }
  }
}

export type CrowdLevel = 'empty' | 'low' | 'medium' | 'high';

/** Against capacity when the zone has one; otherwise by head count (a small room's scale). */
export function crowdLevel(people: number, capacity?: number): CrowdLevel {
  if (people === 0) return 'empty';
  const ratio = capacity ? people / capacity : people / 15;
  return ratio < 0.5 ? 'low' : ratio < 0.9 ? 'medium' : 'high';
}

export interface ZoneStats {
  zoneId: string;
  name: string;
  kind: 'zone' | 'queue';
  peopleNow: number;
  occupancy?: number;
  queueLength?: number;
  predictedWaitMs?: number;
  crowd: CrowdLevel;
}

/** Live numbers of every zone of the scene from the latest analysis result and the event tally. */
export function zoneStats(
  scene: Scene | undefined,
  analysis: AnalysisResult | undefined,
  tally: DeviceTally,
): ZoneStats[] {
  return (scene?.zones ?? []).map((zone) => {
    const peopleNow =
      analysis?.detections.filter((d) => d.type === 'person' && d.zones?.includes(zone.id)).length ?? 0;
    const kind = zone.kind ?? 'zone';
    const crowdPeople = tally.crowd.get(zone.id) ?? peopleNow;
    return {
      zoneId: zone.id,
      name: zone.name || zone.id,
      kind,
      peopleNow,
      occupancy: zone.capacity ? peopleNow / zone.capacity : undefined,
      queueLength: kind === 'queue' ? peopleNow : undefined,
      predictedWaitMs: kind === 'queue' ? tally.waitP50Ms.get(zone.id) : undefined,
      crowd: crowdLevel(crowdPeople, zone.capacity),
    };
  });
}
