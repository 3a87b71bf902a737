/** Plane geometry for scene validation. Points are [x, y] pixels, y down. */
export type Pt = readonly [number, number];

const EPS = 1e-9;

/** Twice the signed area of triangle o-a-b: > 0 counter-clockwise, 0 collinear. */
export function cross(o: Pt, a: Pt, b: Pt): number {
  return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
}

function onSegment(p: Pt, q: Pt, r: Pt): boolean {
  return (
    Math.min(p[0], r[0]) - EPS <= q[0] &&
    q[0] <= Math.max(p[0], r[0]) + EPS &&
    Math.min(p[1], r[1]) - EPS <= q[1] &&
    q[1] <= Math.max(p[1], r[1]) + EPS
  );
}

/** Whether segments p1-p2 and q1-q2 share any point (touching counts). */
export function segmentsIntersect(p1: Pt, p2: Pt, q1: Pt, q2: Pt): boolean {
  const d1 = cross(q1, q2, p1);
  const d2 = cross(q1, q2, p2);
  const d3 = cross(p1, p2, q1);
  const d4 = cross(p1, p2, q2);
  if (
    ((d1 > EPS && d2 < -EPS) || (d1 < -EPS && d2 > EPS)) &&
    ((d3 > EPS && d4 < -EPS) || (d3 < -EPS && d4 > EPS))
  ) {
    return true;
  }
  return (
    (Math.abs(d1) <= EPS && onSegment(q1, p1, q2)) ||
    (Math.abs(d2) <= EPS && onSegment(q1, p2, q2)) ||
    (Math.abs(d3) <= EPS && onSegment(p1, q1, p2)) ||
    (Math.abs(d4) <= EPS && onSegment(p1, q2, p2))
  );
}

/** Shoelace area (absolute). */
export function polygonArea(points: readonly Pt[]): number {
  let twice = 0;
  for (let i = 0; i < points.length; i++) {
    const a = points[i]!;
    const b = points[(i + 1) % points.length]!;
    twice += a[0] * b[1] - b[0] * a[1];
  }
  return Math.abs(twice) / 2;
}

/**
 * The first pair of non-adjacent edges that touch or cross, as edge indexes, or undefined for a
 * simple polygon. O(n²) with n ≤ 256 points: at most ~32k segment tests.
 */
export function firstSelfIntersection(points: readonly Pt[]): [number, number] | undefined {
  const n = points.length;
  for (let i = 0; i < n; i++) {
    const a1 = points[i]!;
    const a2 = points[(i + 1) % n]!;
    for (let j = i + 1; j < n; j++) {
      const adjacent = j === i + 1 || (i === 0 && j === n - 1);
      if (adjacent) continue;
      if (segmentsIntersect(a1, a2, points[j]!, points[(j + 1) % n]!)) return [i, j];
    }
  }
  return undefined;
}

export function insideFrame(p: Pt, width: number, height: number): boolean {
  return p[0] >= 0 && p[1] >= 0 && p[0] <= width && p[1] <= height;
}

/** Determinant of a row-major 3x3 matrix. */
export function det3(m: readonly number[]): number {
  const [a, b, c, d, e, f, g, h, i] = m as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
}
