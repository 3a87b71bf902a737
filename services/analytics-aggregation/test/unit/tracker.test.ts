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

/**
 * A tracker fed one frame every `frameMs` of frame time: 200 ms (5 fps, the default detect rate)
 * unless told, where its time rules (confirmMs) are ByteTrack's frame rules.
 */
function clocked(options = defaultTrackerOptions, frameMs = 200) {
  const tracker = new ByteTracker(options);
  let at = 0;
  const step = (detections: TrackerInput[]) => {
    const out = tracker.step(detections, at);
    at += frameMs;
    return out;
  };
  return { tracker, step };
}

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
    const { step } = clocked({ ...defaultTrackerOptions, birthHits: 3 });
    step([]); // past the first frame, whose births are confirmed at once
    const outputs = Array.from({ length: 8 }, (_, f) =>
      step([person(10 + f * 6, 50), person(300 - f * 6, 60)]),
    );
    expect(outputs[0]!.tracked).toEqual([]);
    expect(outputs[1]!.tracked).toEqual([]);
    expect(outputs[2]!.tracked.map((t) => t.trackId)).toEqual([1, 2]);
    for (const o of outputs.slice(2)) expect(o.tracked.map((t) => t.trackId)).toEqual([1, 2]);
    expect(outputs[7]!.tracked[0]!.detectionIndex).toBe(0);
  });

  it('confirms a track once seen over confirmMs: on the 2nd hit at 5 fps, the 4th at 25 fps', () => {
    const at5 = clocked(defaultTrackerOptions, 200);
    const at25 = clocked(defaultTrackerOptions, 40);
    at5.step([]); // past the first frame, whose births are confirmed at once
    at25.step([]);
    const seen = (step: (d: TrackerInput[]) => { tracked: unknown[] }) =>
      Array.from({ length: 7 }, (_, f) => step([person(100 + f * 2, 50)]).tracked.length);
    // Hits 200 ms apart: the 2nd spans 0.1 s. 40 ms apart: the 4th (120 ms) is the first to.
    expect(seen(at5.step)).toEqual([0, 1, 1, 1, 1, 1, 1]);
    expect(seen(at25.step)).toEqual([0, 0, 0, 1, 1, 1, 1]);
  });

  it('at 5 fps, confirms on the 2nd hit and drops on a miss even with frames half an interval early', () => {
    // Ingest's pacer admits a frame up to half an interval (100 ms at 5 fps) early.
    const tracker = new ByteTracker();
    tracker.step([], 0);
    tracker.step([person(100, 50)], 200);
    expect(tracker.step([person(102, 50)], 300).tracked.map((t) => t.trackId)).toEqual([1]);
    tracker.step([person(300, 50)], 500);
    tracker.step([person(104, 50)], 600);
    expect(tracker.size).toBe(1); // the tentative newcomer at x = 300, missed 100 ms later, is dropped
  });

  it('does not confirm a two-frame false detection at 25 fps, and drops it once unseen for confirmMs', () => {
    const { tracker, step } = clocked(defaultTrackerOptions, 40);
    step([]);
    expect(step([person(100, 50)]).tracked).toEqual([]);
    expect(step([person(101, 50)]).tracked).toEqual([]); // 40 ms: ByteTrack's frame rule would confirm
    step([]);
    step([]); // unseen for 40, then 80 ms: still tentative
    expect(tracker.size).toBe(1);
    step([]); // unseen for 120 ms, over 0.1 s: noise
    expect(tracker.size).toBe(0);
  });

  it('keeps a tentative track through a miss shorter than confirmMs, and confirms it in time', () => {
    const { step } = clocked(defaultTrackerOptions, 40);
    step([]);
    const frames = [person(100, 50), null, null, person(106, 50), person(108, 50)];
    const tracked = frames.map((d) => step(d ? [d] : []).tracked.map((t) => t.trackId));
    // Born at 0 ms, missed at 40 and 80 ms, confirmed by the hit at 120 ms, with the first id.
    expect(tracked).toEqual([[], [], [], [1], [1]]);
  });

  it('with confirmMs 0 follows ByteTrack in frames: the 2nd hit confirms, a miss drops', () => {
    const frameRules = { ...defaultTrackerOptions, confirmMs: 0 };
    const { tracker, step } = clocked(frameRules, 40);
    step([]);
    step([person(100, 50)]);
    expect(step([person(101, 50)]).tracked.map((t) => t.trackId)).toEqual([1]);
    const other = clocked(frameRules, 40);
    other.step([]);
    other.step([person(100, 50)]);
    other.step([]);
    expect(other.tracker.size).toBe(0);
    expect(tracker.size).toBe(1);
  });

  it('confirms high-score births on the first frame at once, as ByteTrack does', () => {
    const { step } = clocked();
    // 0.55 is a high detection (≥ trackHigh 0.5) but below newTrack (0.6): it starts nothing.
    const first = step([person(0, 0), person(200, 0, 0.55)]);
    expect(first.tracked.map((t) => [t.trackId, t.detectionIndex])).toEqual([[1, 0]]);
    expect(first.tracked[0]!.firstBox).toEqual(person(0, 0).box);
    const second = step([person(4, 0), person(300, 0)]);
    // Same id; the newcomer of frame 2 is tentative until its second hit.
    expect(second.tracked.map((t) => t.trackId)).toEqual([1]);
    expect(second.tracked[0]!.firstBox).toBeUndefined();
  });

  it('reports confirmed tracks missed in a frame as coasting, with their predicted box', () => {
    const { step } = clocked({ ...defaultTrackerOptions, maxMissed: 2 });
    for (let f = 0; f < 4; f++) step([person(f * 5, 0)]);
    const missed = step([]);
    expect(missed.coasting.map((c) => [c.trackId, c.missedFrames])).toEqual([[1, 1]]);
    // Constant velocity: the prediction has moved on from the last box (x1 = 15).
    expect(missed.coasting[0]!.box[0]).toBeGreaterThan(15);
    expect(step([]).coasting.map((c) => c.missedFrames)).toEqual([2]);
    const dead = step([]);
    expect(dead).toMatchObject({ coasting: [], ended: [1] });
  });

  it('keeps the id through a short occlusion and ends the track after maxMissed frames', () => {
    const { tracker, step } = clocked({ ...defaultTrackerOptions, maxMissed: 5 });
    for (let f = 0; f < 5; f++) step([person(f * 5, 0)]);
    for (let f = 5; f < 8; f++) expect(step([]).ended).toEqual([]);
    expect(step([person(8 * 5, 0)]).tracked.map((t) => t.trackId)).toEqual([1]);
    const ends = Array.from({ length: 6 }, () => step([]).ended);
    expect(ends.slice(0, 5).flat()).toEqual([]);
    expect(ends[5]).toEqual([1]);
    expect(tracker.size).toBe(0);
  });

  it('extends a track with a low-score detection but never starts one from it', () => {
    const { step } = clocked();
    for (let f = 0; f < 3; f++) step([person(f * 4, 0)]);
    expect(step([person(12, 0, 0.3)]).tracked.map((t) => t.trackId)).toEqual([1]);
    const lonely = clocked();
    for (let f = 0; f < 5; f++) expect(lonely.step([person(f * 4, 200, 0.3)]).tracked).toEqual([]);
  });

  it('does not match across classes', () => {
    const { step } = clocked();
    for (let f = 0; f < 3; f++) step([person(0, 0)]);
    const car = step([{ label: 'car', score: 0.9, box: [0, 0, 40, 100] }]);
    expect(car.tracked).toEqual([]);
  });
});
