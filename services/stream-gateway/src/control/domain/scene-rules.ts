import type { Scene } from '@sightline/contracts';
import { det3, firstSelfIntersection, insideFrame, type Pt, polygonArea } from './geometry.js';

/** A scene as the API accepts it: the stored document without its identity and version. */
export type SceneInput = Omit<Scene, 'tenantId' | 'deviceId' | 'sceneId' | 'version' | 'updatedAt'> & {
  frame: { width: number; height: number };
};

const fmt = (p: Pt) => `(${p[0]}, ${p[1]})`;

function pointError(path: string, p: Pt | undefined, frame: SceneInput['frame']): string | undefined {
  if (p && !insideFrame(p, frame.width, frame.height)) {
    return `${path}: point ${fmt(p)} lies outside the ${frame.width}x${frame.height} frame`;
  }
  return undefined;
}

function zoneError(zone: NonNullable<SceneInput['zones']>[number], i: number, frame: SceneInput['frame']) {
  const at = `zones[${i}]`;
  for (const [k, p] of zone.polygon.entries()) {
    const e = pointError(`${at}.polygon[${k}]`, p, frame);
    if (e) return e;
  }
  const repeated = zone.polygon.findIndex((p, k) => {
    const next = zone.polygon[(k + 1) % zone.polygon.length]!;
    return p[0] === next[0] && p[1] === next[1];
  });
  if (repeated >= 0) return `${at}.polygon[${repeated}]: point repeats the next one`;
  const crossing = firstSelfIntersection(zone.polygon);
  if (crossing) return `${at}.polygon: polygon crosses itself (edges ${crossing[0]} and ${crossing[1]})`;
  if (polygonArea(zone.polygon) <= 0) return `${at}.polygon: polygon has no area`;
  if (zone.kind === 'queue' && !zone.servicePoint)
    return `${at}.servicePoint: a queue zone needs a service point`;
  if (zone.kind !== 'queue' && zone.servicePoint)
    return `${at}.servicePoint: only a queue zone has a service point`;
  return pointError(`${at}.servicePoint`, zone.servicePoint, frame);
}

function lineError(line: NonNullable<SceneInput['lines']>[number], i: number, frame: SceneInput['frame']) {
  const at = `lines[${i}]`;
  if (line.a[0] === line.b[0] && line.a[1] === line.b[1]) {
    return `${at}: a and b are the same point, so the line has no direction`;
  }
  return pointError(`${at}.a`, line.a, frame) ?? pointError(`${at}.b`, line.b, frame);
}

function idError(scene: SceneInput): string | undefined {
  const seen = new Set<string>();
  const regions = [
    ...(scene.zones ?? []).map((z, i) => [`zones[${i}].id`, z.id] as const),
    ...(scene.lines ?? []).map((l, i) => [`lines[${i}].id`, l.id] as const),
  ];
  for (const [path, id] of regions) {
    if (seen.has(id)) return `${path}: id "${id}" is used twice`;
    seen.add(id);
  }
  for (const [i, rule] of (scene.rules ?? []).entries()) {
    if (rule.target !== undefined && !seen.has(rule.target)) {
      return `rules[${i}].target: no zone or line has id "${rule.target}"`;
    }
  }
  return undefined;
}

function tuningError(scene: SceneInput): string | undefined {
  const t = scene.thresholds;
  if (t?.trackLow !== undefined && t.trackHigh !== undefined && t.trackLow > t.trackHigh) {
    return 'thresholds.trackLow: must not exceed thresholds.trackHigh';
  }
  const h = scene.calibration?.homography;
  if (h && !(Math.abs(det3(h)) > 1e-12)) return 'calibration.homography: matrix is singular';
  return undefined;
}

/** The first geometry problem, as `<path>: <what is wrong>`, or undefined for a valid scene. */
export function sceneError(scene: SceneInput): string | undefined {
  for (const [i, zone] of (scene.zones ?? []).entries()) {
    const e = zoneError(zone, i, scene.frame);
    if (e) return e;
  }
  for (const [i, line] of (scene.lines ?? []).entries()) {
    const e = lineError(line, i, scene.frame);
    if (e) return e;
  }
  return idError(scene) ?? tuningError(scene);
}
