import type { RawDetection, Xyxy } from './types.js';

export function iou(a: Xyxy, b: Xyxy): number {
  const ix = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const iy = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  if (ix <= 0 || iy <= 0) return 0;
  const inter = ix * iy;
  const union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * Class-aware greedy NMS: best score first; a box is suppressed by a kept box of the same class
 * overlapping it by more than `iouThreshold`. Returns the kept detections, best first.
 */
export function nmsByClass(candidates: readonly RawDetection[], iouThreshold: number): RawDetection[] {
  const sorted = [...candidates].sort((a, b) => b.score - a.score);
  const keptByClass = new Map<number, RawDetection[]>();
  const kept: RawDetection[] = [];
  for (const det of sorted) {
    const sameClass = keptByClass.get(det.classId) ?? [];
    if (sameClass.some((k) => iou(k.box, det.box) > iouThreshold)) continue;
    sameClass.push(det);
    keptByClass.set(det.classId, sameClass);
    kept.push(det);
  }
  return kept;
}
