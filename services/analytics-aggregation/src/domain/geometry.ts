import type { Point } from '@sightline/contracts';

/** Bottom centre of an x1,y1,x2,y2 box: where a person stands, the anchor for zones and lines. */
export function anchorOf(box: readonly number[]): Point {
  return [(box[0]! + box[2]!) / 2, box[3]!];
}

/**
 * Point in polygon by ray casting (works for concave polygons); a point on an edge or a vertex
 * counts as inside, so a zone's border belongs to it.
 */
export function pointInPolygon(p: Point, polygon: readonly Point[]): boolean {
  const [x, y] = p;
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [xi, yi] = polygon[i]!;
    const [xj, yj] = polygon[j]!;
    if (onSegment(p, polygon[j]!, polygon[i]!)) return true;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function onSegment(p: Point, a: Point, b: Point): boolean {
  const cross = (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]);
  if (Math.abs(cross) > 1e-9 * Math.max(1, Math.hypot(b[0] - a[0], b[1] - a[1]))) return false;
  return (
    p[0] >= Math.min(a[0], b[0]) &&
    p[0] <= Math.max(a[0], b[0]) &&
    p[1] >= Math.min(a[1], b[1]) &&
    p[1] <= Math.max(a[1], b[1])
  );
}

/**
 * Signed distance of p from the infinite line a→b, in px. Image y points down, so looking from
 * a towards b, points on the left have a negative distance and points on the right a positive one.
 */
export function signedDistance(p: Point, a: Point, b: Point): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const len = Math.hypot(dx, dy) || 1;
  return (dx * (p[1] - a[1]) - dy * (p[0] - a[0])) / len;
}

/** Where p projects on segment a→b: 0 at a, 1 at b. */
export function projectionParameter(p: Point, a: Point, b: Point): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const len2 = dx * dx + dy * dy || 1;
  return ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2;
}

/** Apply a row-major 3×3 homography to an image point. */
export function applyHomography(h: readonly number[], p: Point): Point {
  const w = h[6]! * p[0] + h[7]! * p[1] + h[8]!;
  return [(h[0]! * p[0] + h[1]! * p[1] + h[2]!) / w, (h[3]! * p[0] + h[4]! * p[1] + h[5]!) / w];
}
