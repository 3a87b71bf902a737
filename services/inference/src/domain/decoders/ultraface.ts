import { type RawDetection, thresholdOf } from '../types.js';
import type { DecodeParams, Outputs } from './types.js';

/** Ultra-Light-Fast-Generic-Face-Detector's prior boxes: per stride, the face sizes tried. */
const STRIDES = [8, 16, 32, 64] as const;
const MIN_BOXES = [
  [10, 16, 24],
  [32, 48],
  [64, 96],
  [128, 192, 256],
] as const;
const CENTER_VARIANCE = 0.1;
const SIZE_VARIANCE = 0.2;

/** Priors [cx, cy, w, h] normalised 0–1, in the order the model's outputs use. */
export function ultrafacePriors(inputWidth: number, inputHeight: number): Float32Array {
  const list: number[] = [];
  STRIDES.forEach((stride, i) => {
    const cols = Math.ceil(inputWidth / stride);
    const rows = Math.ceil(inputHeight / stride);
    for (let y = 0; y < rows; y++) {
      for (let x = 0; x < cols; x++) {
        for (const size of MIN_BOXES[i]!) {
          const clamp = (v: number) => Math.min(1, Math.max(0, v));
          list.push(
            clamp(((x + 0.5) * stride) / inputWidth),
            clamp(((y + 0.5) * stride) / inputHeight),
            clamp(size / inputWidth),
            clamp(size / inputHeight),
          );
        }
      }
    }
  });
  return Float32Array.from(list);
}

const priorCache = new Map<string, Float32Array>();
function priorsFor(width: number, height: number): Float32Array {
  const key = `${width}x${height}`;
  let priors = priorCache.get(key);
  if (!priors) {
    priors = ultrafacePriors(width, height);
    priorCache.set(key, priors);
  }
  return priors;
}

/**
 * Ultraface: `scores [1, N, 2]` (background, face after softmax) and `boxes [1, N, 4]`.
 * The shared RFB-320 export leaves boxes as SSD offsets from the priors (no decode in the graph):
 * cx = px + l0·0.1·pw, cy = py + l1·0.1·ph, w = pw·exp(l2·0.2), h = ph·exp(l3·0.2), all 0–1.
 */
export const decodeUltraface = (outputs: Outputs, params: DecodeParams): RawDetection[] => {
  const scores = outputs.scores?.data;
  const boxes = outputs.boxes?.data;
  if (!scores || !boxes) throw new Error('ultraface outputs "scores" and "boxes" are required');
  const { inputWidth: W, inputHeight: H } = params;
  const priors = priorsFor(W, H);
  const anchors = scores.length / 2;
  if (priors.length !== anchors * 4)
    throw new Error(`ultraface has ${anchors} boxes, priors give ${priors.length / 4}`);
  const threshold = thresholdOf(params.thresholds, 0);
  const found: RawDetection[] = [];
  for (let a = 0; a < anchors; a++) {
    const score = scores[2 * a + 1]!;
    if (score < threshold) continue;
    const b = 4 * a;
    const pw = priors[b + 2]!;
    const ph = priors[b + 3]!;
    const cx = priors[b]! + boxes[b]! * CENTER_VARIANCE * pw;
    const cy = priors[b + 1]! + boxes[b + 1]! * CENTER_VARIANCE * ph;
    const w = pw * Math.exp(boxes[b + 2]! * SIZE_VARIANCE);
    const h = ph * Math.exp(boxes[b + 3]! * SIZE_VARIANCE);
    found.push({
      classId: 0,
      score,
      box: [(cx - w / 2) * W, (cy - h / 2) * H, (cx + w / 2) * W, (cy + h / 2) * H],
    });
  }
  return found;
};
