import { describe, expect, it } from 'vitest';
import { firstSelfIntersection, segmentsIntersect } from '../../src/control/domain/geometry.js';
import { type SceneInput, sceneError } from '../../src/control/domain/scene-rules.js';

const frame = { width: 640, height: 480 };
const square: [number, number][] = [
  [10, 10],
  [100, 10],
  [100, 100],
  [10, 100],
];

describe('geometry', () => {
  it('finds crossing and touching segments', () => {
    expect(segmentsIntersect([0, 0], [10, 10], [0, 10], [10, 0])).toBe(true);
    expect(segmentsIntersect([0, 0], [10, 0], [5, 0], [5, 5])).toBe(true);
    expect(segmentsIntersect([0, 0], [10, 0], [0, 1], [10, 1])).toBe(false);
    expect(segmentsIntersect([0, 0], [4, 0], [5, 0], [9, 0])).toBe(false);
  });

  it('tells a bow-tie from a simple polygon', () => {
    expect(firstSelfIntersection(square)).toBeUndefined();
    expect(
      firstSelfIntersection([
        [0, 0],
        [10, 10],
        [10, 0],
        [0, 10],
      ]),
    ).toEqual([0, 2]);
  });
});

describe('scene rules', () => {
  const ok: SceneInput = {
    frame,
    zones: [
      { id: 'hall', polygon: square },
      { id: 'q', kind: 'queue', polygon: square, servicePoint: [50, 20] },
    ],
    lines: [{ id: 'door', a: [0, 200], b: [640, 200], inFrom: 'left' }],
    rules: [{ id: 'r', metric: 'queue_length', target: 'q', threshold: 5 }],
  };

  it('accepts a valid scene', () => {
    expect(sceneError(ok)).toBeUndefined();
  });

  it('names the offending element', () => {
    const bowTie: [number, number][] = [
      [0, 0],
      [10, 10],
      [10, 0],
      [0, 10],
    ];
    const cases: [SceneInput, RegExp][] = [
      [
        {
          frame,
          zones: [
            { id: 'a', polygon: square },
            { id: 'b', polygon: bowTie },
          ],
        },
        /^zones\[1\]\.polygon: polygon crosses itself/,
      ],
      [
        {
          frame,
          zones: [
            {
              id: 'a',
              polygon: [
                [0, 0],
                [700, 0],
                [0, 10],
              ],
            },
          ],
        },
        /^zones\[0\]\.polygon\[1\]: point \(700, 0\) lies outside the 640x480 frame/,
      ],
      [
        {
          frame,
          zones: [
            {
              id: 'a',
              polygon: [
                [0, 0],
                [5, 5],
                [10, 10],
              ],
            },
          ],
        },
        /^zones\[0\]\.polygon: polygon has no area/,
      ],
      [
        { frame, zones: [{ id: 'q', kind: 'queue', polygon: square }] },
        /^zones\[0\]\.servicePoint: a queue zone needs/,
      ],
      [{ frame, lines: [{ id: 'l', a: [1, 1], b: [1, 1] }] }, /^lines\[0\]: a and b are the same point/],
      [{ frame, lines: [{ id: 'l', a: [1, 1], b: [1, 481] }] }, /^lines\[0\]\.b: point/],
      [
        { frame, zones: [{ id: 'x', polygon: square }], lines: [{ id: 'x', a: [0, 0], b: [1, 1] }] },
        /^lines\[0\]\.id: id "x" is used twice/,
      ],
      [{ frame, rules: [{ id: 'r', metric: 'count', target: 'nope', threshold: 1 }] }, /^rules\[0\]\.target/],
      [{ frame, thresholds: { trackLow: 0.6, trackHigh: 0.5 } }, /^thresholds\.trackLow/],
      [
        { frame, calibration: { homography: [1, 2, 3, 2, 4, 6, 0, 0, 1] } },
        /^calibration\.homography: matrix is singular/,
      ],
    ];
    for (const [scene, message] of cases) expect(sceneError(scene)).toMatch(message);
  });
});
