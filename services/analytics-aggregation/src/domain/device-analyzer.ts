import type {
  AnalysisDetection,
  AnalysisResult,
  DetectionBatch,
  Rollup,
  Scene,
  SceneRule,
} from '@sightline/contracts';
import { analysisIdOf } from './analysis-id.js';
import {
  alertEvent,
  crossingEvent,
  crowdEvent,
  type EventContext,
  type OutgoingEvent,
  queueEvent,
  zoneEvent,
} from './events.js';
import { anchorOf } from './geometry.js';
import type { HeatmapGrid } from './heatmap.js';
import type { Crossing } from './lines.js';
import { PresenceCounter } from './presence.js';
import type { QueueWait } from './queue.js';
import { type FrameFacts, RollupBuilder } from './rollups.js';
import { buildSceneRuntime, type SceneRuntime, trackerOptionsOf } from './scene-runtime.js';
import type { Speed } from './speed.js';
import { ByteTracker, type TrackerOptions } from './tracker/byte-tracker.js';
import type { AnchoredObject } from './zones.js';

export interface FrameOutputs {
  analysis: AnalysisResult;
  events: OutgoingEvent[];
  /** Rollups of minutes this frame closed. */
  rollups: Rollup[];
}

/** Per-frame values rules read, besides the runtime's own state. */
interface FrameView {
  counts: Record<string, number>;
  /** Track ids counted as present in this frame (presence.ts): what zone occupancy counts. */
  present: ReadonlySet<number>;
  crossings: Crossing[];
}

/**
 * All state of one device: tracker, zones, lines, queues, heatmap, speeds, rules and the open
 * minute. Pure: frames in, outputs out; the handler publishes them.
 */
export class DeviceAnalyzer {
  private tracker: ByteTracker;
  /** Lives and dies with the tracker, whose track ids it keys. */
  private presence = new PresenceCounter();
  private trackerOptions: TrackerOptions;
  private trackerKey: string;
  private runtime: SceneRuntime;
  private readonly rollups: RollupBuilder;
  lastCapturedAt = Number.NEGATIVE_INFINITY;
  latest: { at: number; frameId: string; counts: Record<string, number> } | undefined;

  constructor(
    readonly tenantId: string,
    readonly deviceId: string,
    scene: Scene,
    private readonly nodeNum: number,
  ) {
    this.runtime = buildSceneRuntime(scene);
    this.trackerOptions = trackerOptionsOf(scene);
    this.trackerKey = JSON.stringify(this.trackerOptions);
    this.tracker = new ByteTracker(this.trackerOptions);
    this.rollups = new RollupBuilder(tenantId, deviceId);
  }

  get scene(): Scene {
    return this.runtime.scene;
  }

  get heatmap() {
    return this.runtime.heatmap;
  }

  /** The heatmap over its window, ending at the latest frame (frame time, not wall time). */
  heatmapSnapshot(): (HeatmapGrid & { at: number; geometryVersion: number }) | undefined {
    if (!Number.isFinite(this.lastCapturedAt)) return undefined;
    return {
      ...this.runtime.heatmap.grid(this.lastCapturedAt),
      at: this.lastCapturedAt,
      geometryVersion: this.runtime.scene.version,
    };
  }

  /** Apply an edited scene: geometry state restarts, tracks survive unless thresholds changed. */
  setScene(scene: Scene): void {
    if (scene.version === this.runtime.scene.version && scene.sceneId === this.runtime.scene.sceneId) return;
    this.runtime = buildSceneRuntime(scene);
    const options = trackerOptionsOf(scene);
    const key = JSON.stringify(options);
    if (key !== this.trackerKey) {
      this.tracker = new ByteTracker(options);
      this.presence = new PresenceCounter();
      this.trackerOptions = options;
      this.trackerKey = key;
    }
  }

  process(batch: DetectionBatch, now: number): FrameOutputs {
    const at = batch.capturedAt;
    const rt = this.runtime;
    const step = this.tracker.step(batch.detections, at);
    // Counts, zone occupancy and crowd all count who is present by the tracker (presence.ts);
    // coasting tracks count there but are not reported as detections, having no detection.
    const present = this.presence.present(step, at, rt.coastMs, batch);
    const presentIds = new Set(present.map((p) => p.trackId));
    const counts = countByClass(present.map((p) => p.label));
    // Geometry is drawn on the scene's frame size; frames of another size are scaled onto it.
    const frame = rt.scene.frame ?? { width: batch.width, height: batch.height };
    const toScene = (p: [number, number]): [number, number] => [
      (p[0] * frame.width) / batch.width,
      (p[1] * frame.height) / batch.height,
    ];
    const objects: AnchoredObject[] = step.tracked.map((t) => ({
      trackId: t.trackId,
      label: t.label,
      score: t.score,
      anchor: toScene(anchorOf(t.box)),
      ...(t.firstBox ? { origin: toScene(anchorOf(t.firstBox)) } : {}),
    }));
    const transitions = rt.zones.flatMap((z) => [...z.update(objects, at), ...z.end(step.ended, at)]);
    const waits: QueueWait[] = rt.queues.flatMap((q) => q.update(objects, at));
    const crossings = rt.lines.flatMap((l) => l.update(objects, at));
    for (const l of rt.lines) l.end(step.ended);
    for (const q of rt.queues) q.end(step.ended);
    rt.speed.end(step.ended);
    const speeds = new Map(objects.map((o) => [o.trackId, rt.speed.update(o.trackId, o.anchor, at)]));
    rt.heatmap.add(
      objects.map((o) => o.anchor),
      frame.width,
      frame.height,
      at,
    );

    const view: FrameView = { counts, present: presentIds, crossings };
    const ctx = this.eventContext();
    const events: OutgoingEvent[] = [
      ...crossings.flatMap((c) => crossingEvent(ctx, c, this.lineName(c.lineId)) ?? []),
      ...transitions.map((t) => zoneEvent(ctx, t)),
      ...waits.map((w) => queueEvent(ctx, w, this.queueOf(w.zoneId)?.prediction(at) ?? {})),
      ...rt.rules.evaluate((rule) => this.ruleValue(rule, view, at), at).map((a) => alertEvent(ctx, a)),
      ...this.crowdEvents(ctx, view, at),
    ];
    const rollups = this.rollups.add(this.facts(at, view, waits));
    this.lastCapturedAt = at;
    this.latest = { at, frameId: batch.frameId, counts };
    return { analysis: this.analysis(batch, step.tracked, speeds, now, counts), events, rollups };
  }

  /**
   * A frame older than one already tracked (redelivered after a crash, or a slow replica): it
   * still gets its analysis_result — detections and counts, no track ids — but it must not move
   * the tracker, zones or rollups backwards in time. With no tracker view of that moment, it is
   * counted as the tracker counts a first frame: the detections confident enough to start a track.
   */
  processLate(batch: DetectionBatch, now: number): FrameOutputs {
    const confident = batch.detections.filter((d) => d.score >= this.trackerOptions.newTrack);
    const counts = countByClass(confident.map((d) => d.label));
    return { analysis: this.analysis(batch, [], new Map(), now, counts), events: [], rollups: [] };
  }

  /** Close the open minute (device idle, or shutting down). */
  flush(): Rollup[] {
    return this.rollups.flush();
  }

  private analysis(
    batch: DetectionBatch,
    tracked: ReturnType<ByteTracker['step']>['tracked'],
    speeds: Map<number, Speed | undefined>,
    now: number,
    counts: Record<string, number>,
  ): AnalysisResult {
    const trackOf = new Map(tracked.map((t) => [t.detectionIndex, t.trackId]));
    const detections = batch.detections.map((d, i): AnalysisDetection => {
      const trackId = trackOf.get(i);
      const speed = trackId === undefined ? undefined : speeds.get(trackId);
      const zones =
        trackId === undefined
          ? []
          : this.runtime.zones.filter((z) => z.isInside(trackId)).map((z) => z.zone.id);
      const [x1, y1, x2, y2] = d.box;
      return {
        type: d.label,
        confidence: d.score,
        boundingBox: { x: x1, y: y1, width: x2 - x1, height: y2 - y1 },
        ...(trackId !== undefined ? { trackId } : {}),
        zones,
        attributes: { ...(d.attributes ?? {}), ...speedAttributes(speed) },
      };
    });
    return {
      deviceId: batch.deviceId,
      analysisId: analysisIdOf(batch.frameId),
      sceneId: this.runtime.scene.sceneId,
      timestamp: new Date(batch.capturedAt).toISOString(),
      detections,
      frameId: batch.frameId,
      counts,
      frameWidth: batch.width,
      frameHeight: batch.height,
      geometryVersion: this.runtime.scene.version,
      latencyMs: Math.max(0, now - batch.acceptedAt),
    };
  }

  private facts(at: number, view: FrameView, waits: QueueWait[]): FrameFacts {
    const queueIds = new Map(this.runtime.queues.map((q) => [q.zone.id, q]));
    return {
      at,
      geometryVersion: this.runtime.scene.version,
      counts: view.counts,
      zones: this.runtime.zones.map((z) => ({
        zoneId: z.zone.id,
        counts: z.countsByClass(view.present),
        ...(queueIds.has(z.zone.id) ? { queueLength: queueIds.get(z.zone.id)!.length() } : {}),
      })),
      crossings: view.crossings,
      waits,
    };
  }

  private crowdEvents(ctx: EventContext, view: FrameView, at: number): OutgoingEvent[] {
    const areas =
      this.runtime.zones.length > 0
        ? this.runtime.zones.map((z) => ({
            id: z.zone.id,
            name: z.zone.name ?? z.zone.id,
            people: z.countsByClass(view.present).person ?? 0,
          }))
        : [{ id: 'frame', name: 'frame', people: view.counts.person ?? 0 }];
    const crowd = this.runtime.crowd;
    return crowd
      .add(areas, at)
      .map((e) => crowdEvent(ctx, e.id, e.name, e.estimation, crowd.intervalSec, at));
  }

  private ruleValue(rule: SceneRule, view: FrameView, at: number): number | undefined {
    const zone = this.runtime.zones.find((z) => z.zone.id === rule.target);
    const ofClass = (counts: Record<string, number>) =>
      rule.class ? (counts[rule.class] ?? 0) : Object.values(counts).reduce((a, b) => a + b, 0);
    switch (rule.metric) {
      case 'queue_length':
        return this.queueOf(rule.target)?.length();
      case 'wait_p90_ms':
        return this.queueOf(rule.target)?.prediction(at).p90Ms;
      case 'zone_occupancy':
        return zone ? ofClass(zone.countsByClass(view.present)) : ofClass(view.counts);
      case 'occupancy_over_capacity':
        return zone?.zone.capacity === undefined
          ? undefined
          : ofClass(zone.countsByClass(view.present)) - zone.zone.capacity;
      case 'crossings_in':
      case 'crossings_out': {
        const direction = rule.metric === 'crossings_in' ? 'in' : 'out';
        return view.crossings.filter(
          (c) =>
            c.direction === direction &&
            (!rule.target || c.lineId === rule.target) &&
            (!rule.class || c.label === rule.class),
        ).length;
      }
      case 'count':
        return view.counts[rule.class ?? 'person'] ?? 0;
    }
  }

  private queueOf(zoneId: string | undefined) {
    return this.runtime.queues.find((q) => q.zone.id === zoneId);
  }

  private lineName(lineId: string): string {
    const line = this.runtime.lines.find((l) => l.line.id === lineId)?.line;
    return line?.name ?? lineId;
  }

  private eventContext(): EventContext {
    const scene = this.runtime.scene;
    return {
      tenantId: this.tenantId,
      deviceId: this.deviceId,
      streamAddress: scene.streamAddress ?? '',
      nodeNum: this.nodeNum,
      geometryVersion: scene.version,
    };
  }
}

export function countByClass(labels: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const label of labels) counts[label] = (counts[label] ?? 0) + 1;
  return counts;
}

function speedAttributes(speed: Speed | undefined): Record<string, number> {
  if (!speed) return {};
  const out: Record<string, number> = { speedPxPerSec: Math.round(speed.pxPerSec * 10) / 10 };
  if (speed.mPerSec !== undefined && Number.isFinite(speed.mPerSec))
    out.speedMPerSec = Math.round(speed.mPerSec * 100) / 100;
  return out;
}
