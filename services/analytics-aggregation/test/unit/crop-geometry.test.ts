import type { AnalysisDetection, Scene } from '@sightline/contracts';
import { describe, expect, it } from 'vitest';
import { faceBoxes, focusBox } from '../../src/domain/crop-focus.js';
import { cropRect, fitWithin, scaleBox } from '../../src/domain/crop-geometry.js';

const frame = { width: 768, height: 576 };

describe('cropRect', () => {
  it('grows the box by 10 % of its size on each side, outwards to whole pixels', () => {
    // The dog of darknet_dog.jpg: 192 x 335 → margins 19.2 and 33.5 px.
    expect(cropRect([133, 207, 325, 542], frame)).toEqual({ left: 113, top: 173, width: 232, height: 403 });
    expect(cropRect([10.5, 20.5, 30.5, 40.5], frame, 0)).toEqual({
      left: 10,
      top: 20,
      width: 21,
      height: 21,
    });
  });

  it('clips the margin (and the box) at the frame edges', () => {
    expect(cropRect([0, 0, 100, 50], frame)).toEqual({ left: 0, top: 0, width: 110, height: 55 });
    expect(cropRect([700, 500, 768, 576], frame)).toEqual({ left: 693, top: 492, width: 75, height: 84 });
    expect(cropRect([-50, -50, 2000, 2000], frame)).toEqual({ left: 0, top: 0, width: 768, height: 576 });
  });

  it('gives a point-sized box one pixel, and nothing for a box outside the frame', () => {
    expect(cropRect([40, 40, 40, 40], frame)).toEqual({ left: 40, top: 40, width: 1, height: 1 });
    expect(cropRect([800, 10, 900, 50], frame)).toBeUndefined();
    expect(cropRect([10, -90, 50, -10], frame)).toBeUndefined();
  });
});

describe('fitWithin', () => {
  it('bounds the longest side and keeps the aspect', () => {
    expect(fitWithin({ width: 232, height: 403 }, 320)).toEqual({ width: 184, height: 320 });
    expect(fitWithin({ width: 1920, height: 1080 }, 320)).toEqual({ width: 320, height: 180 });
  });

  it('never enlarges a small crop, and never rounds a side to zero', () => {
    expect(fitWithin({ width: 40, height: 80 }, 320)).toEqual({ width: 40, height: 80 });
    expect(fitWithin({ width: 4000, height: 2 }, 320)).toEqual({ width: 320, height: 1 });
  });
});

describe('scaleBox', () => {
  it('maps a box between two sizes of the same picture', () => {
    expect(scaleBox([10, 20, 30, 40], { width: 100, height: 100 }, { width: 200, height: 50 })).toEqual([
      20, 10, 60, 20,
    ]);
  });
});

describe('focusBox: what an event image shows', () => {
  const detections: AnalysisDetection[] = [
    { type: 'person', confidence: 0.9, trackId: 7, boundingBox: { x: 100, y: 50, width: 40, height: 120 } },
    { type: 'face', confidence: 0.8, boundingBox: { x: 110, y: 55, width: 10, height: 12 } },
  ];
  const scene: Scene = {
    tenantId: 't',
    deviceId: 'd',
    sceneId: 's',
    version: 1,
    // Geometry drawn on a frame half the size of the analysed one.
    frame: { width: 384, height: 288 },
    zones: [
      {
        id: 'hall',
        polygon: [
          [10, 20],
          [110, 20],
          [60, 120],
        ],
      },
    ],
    rules: [{ id: 'busy', metric: 'zone_occupancy', target: 'hall', threshold: 3 }],
  };

  it("is the track's box in the triggering frame", () => {
    expect(focusBox({ trackId: 7, zoneId: 'hall' }, frame, detections, scene)).toEqual([100, 50, 140, 170]);
  });

  it("is the zone's bounding box, scaled to the frame, when the track has no box (it left by dying)", () => {
    expect(focusBox({ trackId: 8, zoneId: 'hall' }, frame, detections, scene)).toEqual([20, 40, 220, 240]);
    expect(focusBox({ ruleId: 'busy' }, frame, detections, scene)).toEqual([20, 40, 220, 240]);
  });

  it('is the whole frame for the whole-frame crowd estimate and device-wide alerts', () => {
    expect(focusBox({ zoneId: 'frame' }, frame, detections, scene)).toEqual([0, 0, 768, 576]);
    expect(focusBox({ ruleId: 'unknown' }, frame, detections, { ...scene, rules: [] })).toEqual([
      0, 0, 768, 576,
    ]);
  });

  it('finds the faces to blur among the detections', () => {
    expect(
      faceBoxes([
        { label: 'person', box: [1, 2, 3, 4] },
        { label: 'face', box: [5, 6, 7, 8] },
      ]),
    ).toEqual([[5, 6, 7, 8]]);
  });
});
