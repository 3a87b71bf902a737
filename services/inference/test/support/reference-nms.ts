import { expect } from 'vitest';

/**
 * The tests' reference for what every detector format ends with, written plainly and apart from
 * src/domain/nms.ts: class-aware greedy NMS, best first, then boxes clipped to the source image
 * and empty ones dropped.
 */
export interface Ref {
  classId: number;
  score: number;
  /** x1, y1, x2, y2 in source pixels. */
  box: number[];
}

const area = (b: number[]) => (b[2]! - b[0]!) * (b[3]! - b[1]!);

function overlap(a: number[], b: number[]): number {
  const iw = Math.max(0, Math.min(a[2]!, b[2]!) - Math.max(a[0]!, b[0]!));
  const ih = Math.max(0, Math.min(a[3]!, b[3]!) - Math.max(a[1]!, b[1]!));
  return (iw * ih) / (area(a) + area(b) - iw * ih);
}

export function referenceNmsAndClip(candidates: Ref[], iou: number, w: number, h: number): Ref[] {
  const kept: Ref[] = [];
  for (const classId of new Set(candidates.map((c) => c.classId))) {
    const ofClass = candidates.filter((c) => c.classId === classId).sort((a, b) => b.score - a.score);
    const keep: Ref[] = [];
    for (const c of ofClass) if (keep.every((k) => overlap(k.box, c.box) <= iou)) keep.push(c);
    kept.push(...keep);
  }
  return kept
    .map((k) => ({ ...k, box: k.box.map((v, i) => Math.min(i % 2 ? h : w, Math.max(0, v))) }))
    .filter((k) => k.box[2]! > k.box[0]! && k.box[3]! > k.box[1]!);
}

export const byClassThenScore = (a: Ref, b: Ref) => a.classId - b.classId || b.score - a.score;

/** The service's detections against the reference's: same classes, scores within 1e-4, boxes within 1 px. */
export function expectSameDetections(actual: Ref[], expected: Ref[]): void {
  const sortedActual = [...actual].sort(byClassThenScore);
  const sortedExpected = [...expected].sort(byClassThenScore);
  expect(sortedExpected.length).toBeGreaterThan(0);
  expect(sortedActual.map((d) => d.classId)).toEqual(sortedExpected.map((d) => d.classId));
  sortedActual.forEach((d, i) => {
    const e = sortedExpected[i]!;
    expect(Math.abs(d.score - e.score)).toBeLessThan(1e-4);
    d.box.forEach((v, k) => {
      expect(Math.abs(v - e.box[k]!)).toBeLessThanOrEqual(1);
    });
  });
}
