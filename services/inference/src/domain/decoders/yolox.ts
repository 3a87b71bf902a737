import { lowestThreshold, type RawDetection, thresholdOf } from '../types.js';
import { type DecodeParams, type Outputs, onlyOutput } from './types.js';

export const YOLOX_STRIDES = [8, 16, 32] as const;

/** Anchors of a YOLOX head: one per grid cell of each stride, strides in order, rows y-major. */
export function yoloxAnchorCount(inputWidth: number, inputHeight: number): number {
  return YOLOX_STRIDES.reduce((n, s) => n + (inputWidth / s) * (inputHeight / s), 0);
}

/**
 * YOLOX head output `[1, anchors, 5 + classes]`: rows `[cx, cy, w, h, objectness, class scores…]`
 * relative to each anchor's grid cell. x = (cx + gx) * s, w = exp(w) * s; score = objectness ×
 * best class score (sigmoids already applied by the export).
 */
export const decodeYolox = (outputs: Outputs, params: DecodeParams): RawDetection[] => {
  const { data } = onlyOutput(outputs);
  const { inputWidth, inputHeight, numClasses, thresholds } = params;
  const rowLength = 5 + numClasses;
  const lowest = lowestThreshold(thresholds);
  const found: RawDetection[] = [];
  let row = 0;
  for (const stride of YOLOX_STRIDES) {
    const cols = inputWidth / stride;
    const rows = inputHeight / stride;
    for (let gy = 0; gy < rows; gy++) {
      for (let gx = 0; gx < cols; gx++, row++) {
        const o = row * rowLength;
        const objectness = data[o + 4]!;
        // Class scores are ≤ 1, so a low objectness cannot pass any threshold.
        if (objectness < lowest) continue;
        let classId = 0;
        let best = data[o + 5]!;
        for (let c = 1; c < numClasses; c++) {
          const v = data[o + 5 + c]!;
          if (v > best) {
            best = v;
            classId = c;
          }
        }
        const score = objectness * best;
        if (score < thresholdOf(thresholds, classId)) continue;
        const cx = (data[o]! + gx) * stride;
        const cy = (data[o + 1]! + gy) * stride;
        const w = Math.exp(data[o + 2]!) * stride;
        const h = Math.exp(data[o + 3]!) * stride;
        found.push({ classId, score, box: [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2] });
      }
    }
  }
  return found;
};
