import { nmsByClass } from './nms.js';
import type { InputGeometry, RawDetection, Xyxy } from './types.js';

/** Model-input pixels → source pixels (undo scale and padding), unclipped. */
export function toSource(box: Xyxy, g: InputGeometry): Xyxy {
  return [
    (box[0] - g.padX) / g.scaleX,
    (box[1] - g.padY) / g.scaleY,
    (box[2] - g.padX) / g.scaleX,
    (box[3] - g.padY) / g.scaleY,
  ];
}

function clip(box: Xyxy, width: number, height: number): Xyxy {
  const cx = (v: number) => Math.min(width, Math.max(0, v));
  const cy = (v: number) => Math.min(height, Math.max(0, v));
  return [cx(box[0]), cy(box[1]), cx(box[2]), cy(box[3])];
}

/**
 * Shared tail of every decoder: boxes back to source pixels, class-aware NMS there, then clipped
 * to the frame; boxes left with no area are dropped.
 */
export function finishDetections(
  candidates: readonly RawDetection[],
  geometry: InputGeometry,
  nmsIou: number,
): RawDetection[] {
  const inSource = candidates.map((c) => ({ ...c, box: toSource(c.box, geometry) }));
  return nmsByClass(inSource, nmsIou)
    .map((d) => ({ ...d, box: clip(d.box, geometry.srcWidth, geometry.srcHeight) }))
    .filter((d) => d.box[2] > d.box[0] && d.box[3] > d.box[1]);
}
