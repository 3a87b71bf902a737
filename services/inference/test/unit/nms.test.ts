import { describe, expect, it } from 'vitest';
import { iou, nmsByClass } from '../../src/domain/nms.js';

describe('iou', () => {
  it('is 1 for the same box, 0 for disjoint ones, and the ratio in between', () => {
    expect(iou([0, 0, 10, 10], [0, 0, 10, 10])).toBe(1);
    expect(iou([0, 0, 10, 10], [20, 20, 30, 30])).toBe(0);
    expect(iou([0, 0, 10, 10], [5, 0, 15, 10])).toBeCloseTo(50 / 150, 12);
  });
});

describe('nmsByClass', () => {
  it('keeps the best of overlapping boxes of one class', () => {
    const kept = nmsByClass(
      [
        { classId: 0, score: 0.6, box: [1, 1, 11, 11] },
        { classId: 0, score: 0.9, box: [0, 0, 10, 10] },
        { classId: 0, score: 0.5, box: [50, 50, 60, 60] },
      ],
      0.45,
    );
    expect(kept.map((k) => k.score)).toEqual([0.9, 0.5]);
  });

  it('never suppresses across classes', () => {
    const kept = nmsByClass(
      [
        { classId: 16, score: 0.83, box: [133, 207, 325, 542] },
        { classId: 15, score: 0.39, box: [131, 213, 322, 541] },
      ],
      0.45,
    );
    expect(kept.map((k) => k.classId)).toEqual([16, 15]);
  });

  it('keeps a box overlapping exactly at the threshold (suppress only above it)', () => {
    // IoU of these two is exactly 1/3.
    const kept = nmsByClass(
      [
        { classId: 0, score: 0.9, box: [0, 0, 10, 10] },
        { classId: 0, score: 0.8, box: [5, 0, 15, 10] },
      ],
      1 / 3,
    );
    expect(kept).toHaveLength(2);
  });
});
