type Pt = readonly [number, number];

export function pointInPolygon([x, y]: Pt, polygon: readonly Pt[]): boolean {
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [xi, yi] = polygon[i]!;
    const [xj, yj] = polygon[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

export function distance(a: Pt, b: Pt): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1]);
}

export function distanceToSegment(p: Pt, a: Pt, b: Pt): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2));
  return distance(p, [a[0] + t * dx, a[1] + t * dy]);
}

/** The first `<prefix>-<n>` not taken: ids stay short, stable and valid region ids. */
export function nextId(prefix: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  for (let n = 1; ; n++) if (!used.has(`${prefix}-${n}`)) return `${prefix}-${n}`;
}

/**
 * Splits a validation message such as "zones[1].polygon: must have at least 3 points; lines[0].a: …"
 * into messages per element (`zones[1]`, `lines[0]`); what names no element goes under ''.
 */
export function errorsByElement(message: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of message.split(/;\s+|\n/)) {
    const text = part.trim();
    if (!text) continue;
    const match = /(?:^|[\s/])\/?(zones|lines)[[/.](\d+)\]?/.exec(text);
    const key = match ? `${match[1]}[${match[2]}]` : '';
    out.set(key, [...(out.get(key) ?? []), text]);
  }
  return out;
}

export function clampPoint([x, y]: Pt, width: number, height: number): [number, number] {
  return [Math.round(Math.min(width, Math.max(0, x))), Math.round(Math.min(height, Math.max(0, y)))];
}
