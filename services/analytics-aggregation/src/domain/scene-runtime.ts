import type { Scene, SceneRule } from '@sightline/contracts';
import { CrowdEstimator } from './crowd.js';
import { Heatmap } from './heatmap.js';
import { LineCounter } from './lines.js';
import { DEFAULT_COAST_SEC } from './presence.js';
import { QueueMonitor } from './queue.js';
import { RuleEngine } from './rules.js';
import { SpeedEstimator } from './speed.js';
import { defaultTrackerOptions, type TrackerOptions } from './tracker/byte-tracker.js';
import { ZoneOccupancy } from './zones.js';

export const DEFAULT_CLASSES = ['person', 'bicycle', 'car', 'motorcycle', 'bus', 'truck'];

/** The scene a device without one in KV gets: no geometry, version 0. */
export function defaultScene(tenantId: string, deviceId: string): Scene {
  return { tenantId, deviceId, sceneId: deviceId, version: 0, zones: [], lines: [] };
}

/** Everything built from one version of a scene; rebuilt when the version changes. */
export interface SceneRuntime {
  scene: Scene;
  classes: ReadonlySet<string>;
  zones: ZoneOccupancy[];
  queues: QueueMonitor[];
  lines: LineCounter[];
  rules: RuleEngine;
  heatmap: Heatmap;
  speed: SpeedEstimator;
  /** NFV4-CE means per interval; restarts with the scene, since its zones may have changed. */
  crowd: CrowdEstimator;
  /** How long a missed confirmed track still counts as present (presence.ts), in ms. */
  coastMs: number;
}

export function buildSceneRuntime(scene: Scene): SceneRuntime {
  const classes = new Set(scene.classes ?? DEFAULT_CLASSES);
  const t = scene.thresholds ?? {};
  const inertia = t.zoneInertiaFrames ?? 3;
  const zones = (scene.zones ?? []).map((z) => new ZoneOccupancy(z, new Set(z.classes ?? classes), inertia));
  const queues = zones.filter((z) => z.zone.kind === 'queue').map((z) => new QueueMonitor(z.zone, z));
  const lines = (scene.lines ?? []).map(
    (l) => new LineCounter(l, new Set(l.classes ?? classes), t.lineHysteresisPx ?? 6),
  );
  const hm = scene.heatmap ?? { cols: 32, rows: 18, windowMs: 10 * 60_000 };
  return {
    scene,
    classes,
    zones,
    queues,
    lines,
    rules: new RuleEngine(scene.rules ?? ([] as SceneRule[])),
    heatmap: new Heatmap(hm.cols, hm.rows, hm.windowMs),
    speed: new SpeedEstimator(scene.calibration),
    crowd: new CrowdEstimator(scene.crowdIntervalSec ?? 60),
    coastMs: (t.coastSec ?? DEFAULT_COAST_SEC) * 1000,
  };
}

export function trackerOptionsOf(scene: Scene): TrackerOptions {
  const t = scene.thresholds ?? {};
  const trackHigh = t.trackHigh ?? defaultTrackerOptions.trackHigh;
  return {
    ...defaultTrackerOptions,
    trackHigh,
    trackLow: t.trackLow ?? defaultTrackerOptions.trackLow,
    newTrack: Math.min(1, trackHigh + 0.1),
    birthHits: t.birthHits ?? defaultTrackerOptions.birthHits,
    // birthHits 1 still confirms on the first hit, whatever confirmSec.
    confirmMs: t.confirmSec === undefined ? defaultTrackerOptions.confirmMs : t.confirmSec * 1000,
    maxMissed: t.maxMissed ?? defaultTrackerOptions.maxMissed,
  };
}
