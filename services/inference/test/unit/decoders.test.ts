import { describe, expect, it } from 'vitest';
import { decodeUltraface, ultrafacePriors } from '../../src/domain/decoders/ultraface.js';
import { decodeYolov8 } from '../../src/domain/decoders/yolov8.js';
import { decodeYolox, yoloxAnchorCount } from '../../src/domain/decoders/yolox.js';
import type { ScoreThresholds } from '../../src/domain/types.js';

const thresholds = (byDefault: number, perClass: [number, number][] = []): ScoreThresholds => ({
  byDefault,
  perClass: new Map(perClass),
});

describe('decodeYolox', () => {
  const classes = 3;
  const anchors = yoloxAnchorCount(416, 416);
  const row = 5 + classes;

  it('has 52² + 26² + 13² anchors at 416', () => {
    expect(anchors).toBe(3549);
  });

  it('decodes a cell of the stride-16 grid: (c + grid) × stride, exp(w) × stride, obj × class', () => {
    const data = new Float32Array(anchors * row);
    const index = 52 * 52 + 5 * 26 + 3; // stride 16, gy = 5, gx = 3
    data.set([0.5, 0.25, Math.log(4), Math.log(2), 0.9, 0.1, 0.2, 0.8], index * row);
    const out = decodeYolox(
      { output: { data, dims: [1, anchors, row] } },
      { inputWidth: 416, inputHeight: 416, numClasses: classes, thresholds: thresholds(0.3) },
    );
    expect(out).toHaveLength(1);
    expect(out[0]!.classId).toBe(2);
    expect(out[0]!.score).toBeCloseTo(0.72, 6);
    // centre (0.5 + 3) × 16 = 56, (0.25 + 5) × 16 = 84; size 64 × 32
    out[0]!.box.forEach((v, i) => {
      expect(v).toBeCloseTo([24, 68, 88, 100][i]!, 4);
    });
  });

  it('applies per-class thresholds over the default', () => {
    const data = new Float32Array(anchors * row);
    data.set([0, 0, 0, 0, 0.9, 0.5, 0, 0], 0); // class 0 at 0.45
    data.set([0, 0, 0, 0, 0.9, 0, 0.5, 0], row); // class 1 at 0.45
    const params = {
      inputWidth: 416,
      inputHeight: 416,
      numClasses: classes,
      thresholds: thresholds(0.3, [[0, 0.5]]),
    };
    const out = decodeYolox({ output: { data, dims: [1, anchors, row] } }, params);
    expect(out.map((d) => d.classId)).toEqual([1]);
  });
});

describe('decodeYolov8', () => {
  const classes = 2;
  const anchors = 5;

  it('reads a channels-first [1, 4 + C, N] output without objectness', () => {
    const data = new Float32Array((4 + classes) * anchors);
    const put = (anchor: number, values: number[]) =>
      values.forEach((v, c) => {
        data[c * anchors + anchor] = v;
      });
    put(1, [100, 50, 20, 10, 0.2, 0.7]);
    put(3, [10, 10, 4, 4, 0.25, 0.1]); // below threshold
    const out = decodeYolov8(
      { output0: { data, dims: [1, 4 + classes, anchors] } },
      { inputWidth: 640, inputHeight: 640, numClasses: classes, thresholds: thresholds(0.3) },
    );
    expect(out).toEqual([{ classId: 1, score: expect.closeTo(0.7, 6), box: [90, 45, 110, 55] }]);
  });

  it('reads the transposed [1, N, 4 + C] layout too', () => {
    const data = new Float32Array((4 + classes) * anchors);
    data.set([100, 50, 20, 10, 0.9, 0.1], 2 * (4 + classes));
    const out = decodeYolov8(
      { output0: { data, dims: [1, anchors, 4 + classes] } },
      { inputWidth: 640, inputHeight: 640, numClasses: classes, thresholds: thresholds(0.3) },
    );
    expect(out.map((d) => [d.classId, d.box])).toEqual([[0, [90, 45, 110, 55]]]);
  });
});

describe('decodeUltraface', () => {
  it('has one prior per output row of the RFB-320 model', () => {
    expect(ultrafacePriors(320, 240).length / 4).toBe(4420);
  });

  it('decodes SSD offsets from the priors', () => {
    const priors = ultrafacePriors(320, 240);
    const scores = new Float32Array(4420 * 2);
    const boxes = new Float32Array(4420 * 4);
    scores[2 * 7 + 1] = 0.95; // zero offsets: the box is the prior itself
    const out = decodeUltraface(
      { scores: { data: scores, dims: [1, 4420, 2] }, boxes: { data: boxes, dims: [1, 4420, 4] } },
      { inputWidth: 320, inputHeight: 240, numClasses: 1, thresholds: thresholds(0.7) },
    );
    const [cx, cy, w, h] = [...priors.slice(28, 32)] as [number, number, number, number];
    expect(out).toHaveLength(1);
    const want = [(cx - w / 2) * 320, (cy - h / 2) * 240, (cx + w / 2) * 320, (cy + h / 2) * 240];
    out[0]!.box.forEach((v, i) => {
      expect(v).toBeCloseTo(want[i]!, 4);
    });
  });
});
