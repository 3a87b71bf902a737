import type { SceneLine } from '@sightline/contracts';
import { describe, expect, it } from 'vitest';
import { type Box, gaussian, loadMot, type MotSequence, seededRandom } from '../../eval/mot.js';
import { evaluateMot, type Labelled, type MotMetrics } from '../../eval/mot-metrics.js';
import { anchorOf } from '../../src/domain/geometry.js';
import { LineCounter } from '../../src/domain/lines.js';
import {
  ByteTracker,
  defaultTrackerOptions,
  type TrackerInput,
} from '../../src/domain/tracker/byte-tracker.js';

/** TUD-Campus det.txt scores are raw DPM scores (0.14–133); a monotone map into 0–1. */
const tudScore = (raw: number) => raw / (raw + 10);

type Tracked = Labelled & { firstBox?: Box };

function track(seq: MotSequence, inputsOf: (frame: number) => TrackerInput[], maxMissed = 30) {
  const tracker = new ByteTracker({ ...defaultTrackerOptions, maxMissed });
  const pred = new Map<number, Tracked[]>();
  for (let f = 1; f <= seq.frames; f++) {
    // Frame time at the sequence's frame rate: the tracker's confirmation is a time.
    const tracked = tracker.step(inputsOf(f), Math.round(((f - 1) * 1000) / seq.fps)).tracked;
    pred.set(
      f,
      tracked.map((t) => ({
        id: t.trackId,
        box: [...t.box] as Box,
        ...(t.firstBox ? { firstBox: [...t.firstBox] as Box } : {}),
      })),
    );
  }
  return pred;
}

function noisyGt(seq: MotSequence, sigma: number, seed: number) {
  const random = seededRandom(seed);
  return (f: number): TrackerInput[] =>
    (seq.gt.get(f) ?? []).map((g) => ({
      label: 'person',
      score: 0.9,
      box: g.box.map((v) => v + gaussian(random, sigma)) as unknown as Box,
    }));
}

function fromDet(seq: MotSequence) {
  return (f: number): TrackerInput[] =>
    (seq.det.get(f) ?? []).map((d) => ({ label: 'person', score: d.score, box: d.box }));
}

/** Crossings of a line by labelled boxes (ground-truth ids or track ids), by direction. */
function countCrossings(frames: number, boxes: Map<number, Tracked[]>, line: SceneLine) {
  const counter = new LineCounter(line, new Set(['person']), 6);
  const counts = { in: 0, out: 0 };
  for (let f = 1; f <= frames; f++) {
    const objects = (boxes.get(f) ?? []).map((b) => ({
      trackId: b.id,
      label: 'person',
      score: 1,
      anchor: anchorOf(b.box),
      ...(b.firstBox ? { origin: anchorOf(b.firstBox) } : {}),
    }));
    for (const c of counter.update(objects, f)) counts[c.direction]++;
  }
  return counts;
}

function report(name: string, m: MotMetrics): void {
  const row = [m.mota, m.idf1].map((v) => v.toFixed(3));
  console.log(
    `${name}: MOTA ${row[0]} IDF1 ${row[1]} IDSW ${m.idSwitches} FN ${m.falseNegatives} FP ${m.falsePositives} ` +
      `mean/frame gt ${m.meanGtPerFrame.toFixed(2)} tracked ${m.meanPredPerFrame.toFixed(2)}`,
  );
}

const sequences = [
  { name: 'TUD-Campus', score: tudScore, line: { id: 'mid', a: [320, 0], b: [320, 480] } as SceneLine },
  {
    name: 'PETS09-S3-MF1',
    score: (s: number) => s,
    line: { id: 'mid', a: [384, 0], b: [384, 576] } as SceneLine,
  },
];

describe.each(sequences)('MOT ground truth: $name', ({ name, score, line }) => {
  const seq = loadMot(name, score);

  it('keeps identities on ground-truth boxes with 2 px noise', () => {
    const metrics = evaluateMot(seq.frames, seq.gt, track(seq, noisyGt(seq, 2, 7)));
    report(`${name} gt+noise`, metrics);
    // Confirmation (2 hits over 0.1 s) costs each track born after the first frame its first
    // 0.1 s or so; nothing else should be lost.
    expect(metrics.mota).toBeGreaterThan(0.9);
    expect(metrics.idf1).toBeGreaterThan(0.9);
    expect(metrics.idSwitches).toBeLessThanOrEqual(1);
  });

  it('gives line-crossing counts equal to those of the ground-truth tracks', () => {
    const fromGt = countCrossings(seq.frames, seq.gt, line);
    const fromTracker = countCrossings(seq.frames, track(seq, noisyGt(seq, 2, 11)), line);
    console.log(
      `${name} crossings of x=${line.a[0]}: gt ${JSON.stringify(fromGt)} tracker ${JSON.stringify(fromTracker)}`,
    );
    expect(fromGt.in + fromGt.out).toBeGreaterThan(0);
    expect(fromTracker).toEqual(fromGt);
  });

  it('tracks det.txt detections with a per-frame count close to the ground truth', () => {
    const metrics = evaluateMot(seq.frames, seq.gt, track(seq, fromDet(seq)));
    report(`${name} det.txt`, metrics);
    expect(Math.abs(metrics.meanPredPerFrame - metrics.meanGtPerFrame) / metrics.meanGtPerFrame).toBeLessThan(
      0.3,
    );
    expect(metrics.mota).toBeGreaterThan(0.4);
  });
});
