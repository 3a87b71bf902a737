import { analyticIds, type DetectionBatch, type Scene, type SceneLine } from '@sightline/contracts';
import { DeviceAnalyzer } from '../src/domain/device-analyzer.js';
import { anchorOf } from '../src/domain/geometry.js';
import { LineCounter } from '../src/domain/lines.js';
import type { Box, MotSequence } from './mot.js';
import { evaluateMot, type Labelled, type MotMetrics } from './mot-metrics.js';

export interface Crossings {
  in: number;
  out: number;
}

/** One per-frame people count of a sequence against the gt count of each frame. */
export interface PeopleCountAccuracy {
  mean: number;
  /** (mean count − mean gt) / mean gt: negative for an undercount. */
  bias: number;
  /** |bias|. */
  meanError: number;
  /** Mean over frames of |count − gt|, divided by mean gt. */
  frameMae: number;
}

/** The per-frame people counts read from one analysis_result. */
interface FramePeople {
  /** `counts.person`: what operators, rollups and NFV4-CE see. */
  counted: number;
  /** Every person detection of the frame (score ≥ the detector's 0.3), for information. */
  raw: number;
  /** Person detections carrying a trackId (confirmed tracks matched in the frame). */
  tracked: number;
}

/** What the service made of one sequence's detections, against the ground truth. */
export interface SequenceAccuracy {
  name: string;
  frames: number;
  /** Tracked people of the analysis_results (detections with a trackId) against gt boxes. */
  mot: MotMetrics;
  peopleGtMean: number;
  /** `counts.person` of the service's analysis_result. */
  people: PeopleCountAccuracy;
  /** Raw person detections and tracked-in-the-frame people, for comparison only. */
  peopleRaw: PeopleCountAccuracy;
  peopleTracked: PeopleCountAccuracy;
  /** Crossings of the line from the gt tracks, and from the service's NFV4-PC events. */
  crossingsGt: Crossings;
  crossingsService: Crossings;
  /** (|Δin| + |Δout|) / (gt in + gt out). */
  crossingError: number;
}

/** A vertical tripwire through the middle of the frame, as in the ground-truth tests. */
export function middleLine(seq: MotSequence): SceneLine {
  const x = seq.width / 2;
  return { id: 'mid', a: [x, 0], b: [x, seq.height] };
}

/**
 * Feeds detection batches through the service's DeviceAnalyzer (tracker, lines, counts, events:
 * the code the consume loop runs), then scores its analysis_results and NFV4-PC events.
 */
export function evaluateBatches(seq: MotSequence, batches: readonly DetectionBatch[]): SequenceAccuracy {
  const line = middleLine(seq);
  const scene: Scene = {
    tenantId: batches[0]?.tenantId ?? 'eval',
    deviceId: seq.name,
    sceneId: 'eval',
    version: 1,
    lines: [line],
  };
  const analyzer = new DeviceAnalyzer(scene.tenantId, scene.deviceId, scene, 0);
  const pred = new Map<number, Labelled[]>();
  const reported: FramePeople[] = [];
  const crossingsService: Crossings = { in: 0, out: 0 };
  batches.forEach((batch, i) => {
    const { analysis, events } = analyzer.process(batch, batch.capturedAt);
    const people = analysis.detections.filter((d) => d.type === 'person');
    reported.push({
      counted: analysis.counts?.person ?? 0,
      raw: people.length,
      tracked: people.filter((d) => d.trackId !== undefined).length,
    });
    pred.set(
      i + 1,
      people.flatMap((d) => {
        if (d.trackId === undefined || !d.boundingBox) return [];
        const { x, y, width, height } = d.boundingBox;
        return [{ id: d.trackId, box: [x, y, x + width, y + height] as Box }];
      }),
    );
    for (const e of events) {
      if (e.analytic !== analyticIds.peopleCounting) continue;
      crossingsService[e.event.pipeline_data.direction === 'in' ? 'in' : 'out']++;
    }
  });
  return score(seq, batches.length, pred, reported, crossingsService, line);
}

function score(
  seq: MotSequence,
  frames: number,
  pred: Map<number, Labelled[]>,
  reported: FramePeople[],
  crossingsService: Crossings,
  line: SceneLine,
): SequenceAccuracy {
  const gtCounts = Array.from({ length: frames }, (_, i) => seq.gt.get(i + 1)?.length ?? 0);
  const of = (pick: (f: FramePeople) => number) => countAccuracy(reported.map(pick), gtCounts);
  const crossingsGt = gtCrossings(seq, frames, line);
  const gtTotal = crossingsGt.in + crossingsGt.out;
  const delta =
    Math.abs(crossingsService.in - crossingsGt.in) + Math.abs(crossingsService.out - crossingsGt.out);
  return {
    name: seq.name,
    frames,
    mot: evaluateMot(frames, seq.gt, pred),
    peopleGtMean: mean(gtCounts),
    people: of((f) => f.counted),
    peopleRaw: of((f) => f.raw),
    peopleTracked: of((f) => f.tracked),
    crossingsGt,
    crossingsService,
    crossingError: gtTotal === 0 ? delta : delta / gtTotal,
  };
}

function countAccuracy(counts: readonly number[], gtCounts: readonly number[]): PeopleCountAccuracy {
  const gtMean = mean(gtCounts);
  const bias = (mean(counts) - gtMean) / gtMean;
  return {
    mean: mean(counts),
    bias,
    meanError: Math.abs(bias),
    frameMae: mean(counts.map((c, i) => Math.abs(c - gtCounts[i]!))) / gtMean,
  };
}

/** Crossings made by the ground-truth tracks themselves, through the same LineCounter. */
function gtCrossings(seq: MotSequence, frames: number, line: SceneLine): Crossings {
  const counter = new LineCounter(line, new Set(['person']), 6);
  const counts: Crossings = { in: 0, out: 0 };
  for (let f = 1; f <= frames; f++) {
    const objects = (seq.gt.get(f) ?? []).map((g) => ({
      trackId: g.id,
      label: 'person',
      score: 1,
      anchor: anchorOf(g.box),
    }));
    for (const c of counter.update(objects, f)) counts[c.direction]++;
  }
  return counts;
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}
