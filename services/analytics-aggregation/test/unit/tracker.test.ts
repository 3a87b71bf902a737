import { describe, expect, it } from 'vitest';
import { assign } from '../../src/domain/tracker/assignment.js';
import {
  ByteTracker,
  defaultTrackerOptions,
  type TrackerInput,
} from '../../src/domain/tracker/byte-tracker.js';
import { boxOfState, initiate, predict, update, xyahOfBox } from '../../src/domain/tracker/kalman.js';

const person = (x: number, y: number, score = 0.9): TrackerInput => ({
  label: 'person',
  score,
  box: [x, y, x + 40, y + 100],
});

describe('Hungarian assignment', () => {
  it('finds the optimum where greedy would not', () => {
    // Greedy takes (0,0)=1 then is forced into (1,1)=10: total 11. Optimal is 2 + 2 = 4.
    const { matches } = assign(
      [
        [1, 2],
        [2, 10],
      ],
      2,
      2,
      100,
    );
    expect(matches.sort()).toEqual([
      [0, 1],
      [1, 0],
    ]);
  });

  it('leaves pairs above the cost threshold unmatched, rectangular both ways', () => {
    const wide = assign([[0.1, 0.9, 0.95]], 1, 3, 0.5);
    expect(wide).toEqual({ matches: [[0, 0]], unmatchedRows: [], unmatchedCols: [1, 2] });
    const tall = assign([[0.9], [0.2], [0.95]], 3, 1, 0.5);
    expect(tall).toEqual({ matches: [[1, 0]], unmatchedRows: [0, 2], unmatchedCols: [] });
  });
});

describe('Kalman filter', () => {
  it('learns a constant velocity and predicts ahead', () => {
    const kf = initiate(xyahOfBox([0, 0, 40, 100]));
    for (let f = 1; f <= 10; f++) {
      predict(kf);
      update(kf, xyahOfBox([f * 5, 0, f * 5 + 40, 100]));
    }
    predict(kf);
    const [x1] = boxOfState(kf);
    expect(x1).toBeGreaterThan(52);
    expect(x1).toBeLessThan(58);
  });
});

describe('ByteTracker', () => {
  it('confirms a track after birthHits and keeps its id while it moves', () => {
    const tracker = new ByteTracker({ ...defaultTrackerOptions, birthHits: 3 });
    tracker.step([]); // past the first frame, whose births are confirmed at once
    const outputs = Array.from({ length: 8 }, (_, f) =>
      tracker.step([person(10 + f * 6, 50), person(300 - f * 6, 60)]),
    );
    expect(outputs[0]!.tracked).toEqual([]);
    expect(outputs[1]!.tracked).toEqual([]);
    expect(outputs[2]!.tracked.map((t) => t.trackId)).toEqual([1, 2]);
    for (const o of outputs.slice(2)) expect(o.tracked.map((t) => t.trackId)).toEqual([1, 2]);
    expect(outputs[7]!.tracked[0]!.detectionIndex).toBe(0);
  });

  it('confirms high-score births on the first frame at once, as ByteTrack does', () => {
    const tracker = new ByteTracker();
    // 0.55 is a high detection (≥ trackHigh 0.5) but below newTrack (0.6): it starts nothing.
    const first = tracker.step([person(0, 0), person(200, 0, 0.55)]);
    expect(first.tracked.map((t) => [t.trackId, t.detectionIndex])).toEqual([[1, 0]]);
    expect(first.tracked[0]!.firstBox).toEqual(person(0, 0).box);
    const second = tracker.step([person(4, 0), person(300, 0)]);
    // Same id; the newcomer of frame 2 is tentative until its second hit.
    expect(second.tracked.map((t) => t.trackId)).toEqual([1]);
    expect(second.tracked[0]!.firstBox).toBeUndefined();
  });

  it('reports confirmed tracks missed in a frame as coasting, with their predicted box', () => {
    const tracker = new ByteTracker({ ...defaultTrackerOptions, maxMissed: 2 });
    for (let f = 0; f < 4; f++) tracker.step([person(f * 5, 0)]);
    const missed = tracker.step([]);
    expect(missed.coasting.map((c) => [c.trackId, c.missedFrames])).toEqual([[1, 1]]);
    // Constant velocity: the prediction has moved on from the last box (x1 = 15).
    expect(missed.coasting[0]!.box[0]).toBeGreaterThan(15);
    expect(tracker.step([]).coasting.map((c) => c.missedFrames)).toEqual([2]);
    const dead = tracker.step([]);
    expect(dead).toMatchObject({ coasting: [], ended: [1] });
  });

  it('keeps the id through a short occlusion and ends the track after maxMissed frames', () => {
    const tracker = new ByteTracker({ ...defaultTrackerOptions, maxMissed: 5 });
    for (let f = 0; f < 5; f++) tracker.step([person(f * 5, 0)]);
    for (let f = 5; f < 8; f++) expect(tracker.step([]).ended).toEqual([]);
    expect(tracker.step([person(8 * 5, 0)]).tracked.map((t) => t.trackId)).toEqual([1]);
    const ends = Array.from({ length: 6 }, () => tracker.step([]).ended);
    expect(ends.slice(0, 5).flat()).toEqual([]);
    expect(ends[5]).toEqual([1]);
    expect(tracker.size).toBe(0);
  });

  it('extends a track with a low-score detection but never starts one from it', () => {
    const tracker = new ByteTracker();
    for (let f = 0; f < 3; f++) tracker.step([person(f * 4, 0)]);
    expect(tracker.step([person(12, 0, 0.3)]).tracked.map((t) => t.trackId)).toEqual([1]);
    const lonely = new ByteTracker();
    for (let f = 0; f < 5; f++) expect(lonely.step([person(f * 4, 200, 0.3)]).tracked).toEqual([]);
  });

  it('does not match across classes', () => {
    const tracker = new ByteTracker();
    for (let f = 0; f < 3; f++) tracker.step([person(0, 0)]);
    const step = tracker.step([{ label: 'car', score: 0.9, box: [0, 0, 40, 100] }]);
    expect(step.tracked).toEqual([]);
  });
});
