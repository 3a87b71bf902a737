import { type RawDetection, thresholdOf } from '../types.js';
import { type DecodeParams, type Outputs, onlyOutput } from './types.js';

/**
 * Ultralytics YOLOv8 / YOLO11 detection export: `[1, 4 + classes, anchors]` (channels first),
 * rows `cx, cy, w, h` in input pixels then one score per class (already sigmoid), no objectness.
 * A transposed `[1, anchors, 4 + classes]` export is read too.
 */
export const decodeYolov8 = (outputs: Outputs, params: DecodeParams): RawDetection[] => {
  const { data, dims } = onlyOutput(outputs);
  const channels = 4 + params.numClasses;
  const channelsFirst = dims[1] === channels;
  const anchors = channelsFirst ? dims[2]! : dims[1]!;
  if (!channelsFirst && dims[2] !== channels) {
    throw new Error(`YOLOv8 output [${dims.join(',')}] does not hold ${channels} channels`);
  }
  // Index of channel c of anchor a, whichever layout the export chose.
  const at = channelsFirst
    ? (a: number, c: number) => c * anchors + a
    : (a: number, c: number) => a * channels + c;
  const found: RawDetection[] = [];
  for (let a = 0; a < anchors; a++) {
    let classId = 0;
    let score = data[at(a, 4)]!;
    for (let c = 1; c < params.numClasses; c++) {
      const v = data[at(a, 4 + c)]!;
      if (v > score) {
        score = v;
        classId = c;
      }
    }
    if (score < thresholdOf(params.thresholds, classId)) continue;
    const cx = data[at(a, 0)]!;
    const cy = data[at(a, 1)]!;
    const w = data[at(a, 2)]!;
    const h = data[at(a, 3)]!;
    found.push({ classId, score, box: [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2] });
  }
  return found;
};
