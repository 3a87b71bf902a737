import type { DetectionBatch, Scene } from '@sightline/contracts';
import { describe, expect, it } from 'vitest';
import { DeviceAnalyzer } from '../../src/domain/device-analyzer.js';
import { PresenceCounter } from '../../src/domain/presence.js';
import {
  ByteTracker,
  defaultTrackerOptions,
  type TrackerInput,
} from '../../src/domain/tracker/byte-tracker.js';

const FRAME = { width: 640, height: 480 };
/** 5 fps: with the default 0.5 s coast, a missed track still counts on its 1st and 2nd missed frame. */
const FRAME_MS = 200;
const COAST_MS = 500;

const person = (x: number, y = 100): TrackerInput => ({
  label: 'person',
  score: 0.9,
  box: [x, y, x + 40, y + 100],
});

/** A tracker and the presence rule stepped together, one frame every FRAME_MS. */
function presenceRun(options = defaultTrackerOptions, coastMs = COAST_MS, frameMs = FRAME_MS) {
  const tracker = new ByteTracker(options);
  const presence = new PresenceCounter();
  let frame = 0;
  return (detections: TrackerInput[]) => {
    const at = frame++ * frameMs;
    return presence.present(tracker.step(detections, at), at, coastMs, FRAME);
  };
}

describe('people present in a frame (presence rule)', () => {
  it('counts a missed confirmed track for at most the coast time', () => {
    const frame = presenceRun();
    for (let f = 0; f < 4; f++) expect(frame([person(100 + f * 4)])).toHaveLength(1);
    const coasting = [frame([]), frame([])]; // missed for 200 and 400 ms
    for (const c of coasting) expect(c).toEqual([{ trackId: 1, label: 'person', coasting: true }]);
    expect(frame([])).toEqual([]); // 600 ms > 0.5 s: no longer counted, though still tracked
    expect(frame([person(128)])).toEqual([{ trackId: 1, label: 'person', coasting: false }]);
  });

  it('counts only matched tracks with a coast of 0', () => {
    const frame = presenceRun(defaultTrackerOptions, 0);
    for (let f = 0; f < 3; f++) frame([person(100)]);
    expect(frame([])).toEqual([]);
  });

  it('does not count a tentative track (one hit, after the first frame)', () => {
    const frame = presenceRun();
    frame([]); // the first frame, whose births ByteTrack confirms at once, is past
    expect(frame([person(100)])).toEqual([]);
    expect(frame([person(104)])).toEqual([{ trackId: 1, label: 'person', coasting: false }]);
  });

  it('at 25 fps, neither counts nor coasts a false detection seen on two frames only', () => {
    const frame = presenceRun(defaultTrackerOptions, COAST_MS, 40);
    frame([]);
    // Two hits 40 ms apart: ByteTrack's frame rule confirmed it, and it then coasted for 0.5 s.
    expect(frame([person(100)])).toEqual([]);
    expect(frame([person(101)])).toEqual([]);
    for (let f = 0; f < 12; f++) expect(frame([])).toEqual([]);
  });

  it('at 25 fps, counts a person once seen over 0.1 s, and coasts them after', () => {
    const frame = presenceRun(defaultTrackerOptions, COAST_MS, 40);
    frame([]);
    const seen = Array.from({ length: 5 }, (_, f) => frame([person(100 + f)]).length);
    expect(seen).toEqual([0, 0, 0, 1, 1]);
    // Missed from then on: counted for 0.5 s (12 frames of 40 ms), then not.
    const missed = Array.from({ length: 13 }, () => frame([]).length);
    expect(missed).toEqual([...Array(12).fill(1), 0]);
  });

  it('does not count a dead track, even within the coast time', () => {
    const frame = presenceRun({ ...defaultTrackerOptions, maxMissed: 1 }, 10_000);
    for (let f = 0; f < 3; f++) frame([person(100)]);
    expect(frame([])).toHaveLength(1); // coasting, missed once
    expect(frame([])).toEqual([]); // missed twice > maxMissed: ended
  });

  it('does not count a coasting track whose predicted centre has left the frame', () => {
    const frame = presenceRun();
    // 100 px wide, walking right at 20 px a frame: the last box is centred at x = 630, the
    // prediction for the next frame at about 650, past the 640 px edge.
    const wide = (x: number): TrackerInput => ({ label: 'person', score: 0.9, box: [x, 100, x + 100, 300] });
    for (let f = 0; f < 8; f++) expect(frame([wide(440 + f * 20)])).toHaveLength(1);
    expect(frame([])).toEqual([]);
  });
});

const T0 = 1_738_000_020_000; // start of a minute, and of a 10 s crowd interval

/** A person standing still in a zone covering the whole frame, detected on frames 0–4 only. */
function standing(n: number): DetectionBatch {
  return {
    frameId: `f${n}`,
    tenantId: 't1',
    deviceId: 'cam',
    capturedAt: T0 + n * FRAME_MS,
    acceptedAt: T0 + n * FRAME_MS,
    analysedAt: T0 + n * FRAME_MS,
    width: FRAME.width,
    height: FRAME.height,
    model: 'test',
    origin: 'edge',
    detections: n <= 4 ? [{ label: 'person', classId: 0, score: 0.9, box: [300, 200, 340, 300] }] : [],
  };
}

const hall = {
  id: 'hall',
  polygon: [
    [0, 0],
    [640, 0],
    [640, 480],
    [0, 480],
  ] as Array<[number, number]>,
};

function run(scene: Scene) {
  const analyzer = new DeviceAnalyzer('t1', 'cam', scene, 0);
  const outputs = Array.from({ length: 10 }, (_, n) => analyzer.process(standing(n), T0));
  // The first frame of the next crowd interval dumps the estimate of this one.
  const closing = analyzer.process({ ...standing(10), capturedAt: T0 + 10_000 }, T0);
  const crowd = closing.events.find((e) => e.analytic === 'NFV4-CE')!.event.pipeline_data;
  return { outputs, crowd, rollups: analyzer.flush() };
}

describe('counts, zone occupancy and crowd follow the presence rule', () => {
  const base: Scene = { tenantId: 't1', deviceId: 'cam', sceneId: 's', version: 1, crowdIntervalSec: 10 };

  it('counts the coasting person, without a detection for it', () => {
    const { outputs, crowd } = run(base);
    // Seen on frames 0–4, coasting 200 and 400 ms on frames 5–6, then not counted.
    expect(outputs.map((o) => o.analysis.counts?.person ?? 0)).toEqual([1, 1, 1, 1, 1, 1, 1, 0, 0, 0]);
    expect(outputs[5]!.analysis.detections).toEqual([]);
    expect(crowd).toMatchObject({ zone_id: 'frame', estimation: 0.7 });
  });

  it('counts the same in a zone: occupancy, rollup and crowd', () => {
    const scene: Scene = { ...base, zones: [hall], thresholds: { zoneInertiaFrames: 1 } };
    const { outputs, crowd, rollups } = run(scene);
    expect(outputs.map((o) => o.analysis.counts?.person ?? 0)).toEqual([1, 1, 1, 1, 1, 1, 1, 0, 0, 0]);
    expect(crowd).toMatchObject({ zone_id: 'hall', estimation: 0.7 });
    // The minute holds the 11 frames: 7 with the person counted, in the device and the zone alike.
    const device = rollups.find((r) => r.zoneId === undefined)!;
    const zone = rollups.find((r) => r.zoneId === 'hall')!;
    expect(device).toMatchObject({ frames: 11, countsMax: { person: 1 } });
    expect(zone.countsMean).toEqual(device.countsMean);
    expect(device.countsMean.person).toBeCloseTo(7 / 11, 2);
  });

  it('takes the confirmation time from the scene (thresholds.confirmSec)', () => {
    // 25 fps; nobody on the first frame (which would confirm at once), then one person throughout.
    const at25fps = (n: number): DetectionBatch => ({
      ...standing(0),
      frameId: `g${n}`,
      capturedAt: T0 + n * 40,
      detections: n === 0 ? [] : standing(0).detections,
    });
    const counted = (scene: Scene) => {
      const analyzer = new DeviceAnalyzer('t1', 'cam', scene, 0);
      return Array.from(
        { length: 6 },
        (_, n) => analyzer.process(at25fps(n), T0).analysis.counts?.person ?? 0,
      );
    };
    // Default 0.1 s: hits at 40, 80, 120 ms after the first, so confirmed on the 4th hit.
    expect(counted(base)).toEqual([0, 0, 0, 0, 1, 1]);
    // 0: ByteTrack's frame rule, confirmed on the 2nd hit.
    expect(counted({ ...base, thresholds: { confirmSec: 0 } })).toEqual([0, 0, 1, 1, 1, 1]);
  });

  it('takes the coast time from the scene', () => {
    const { outputs } = run({ ...base, thresholds: { coastSec: 0 } });
    expect(outputs.map((o) => o.analysis.counts?.person ?? 0)).toEqual([1, 1, 1, 1, 1, 0, 0, 0, 0, 0]);
  });
});
