import { assign } from '../src/domain/tracker/assignment.js';
import { iou } from '../src/domain/tracker/iou.js';
import type { Box } from './mot.js';

export interface Labelled {
  id: number;
  box: Box;
}

export interface MotMetrics {
  gtBoxes: number;
  predBoxes: number;
  falseNegatives: number;
  falsePositives: number;
  idSwitches: number;
  /** 1 - (FN + FP + IDSW) / GT, CLEAR-MOT style, matching at IoU >= 0.5. */
  mota: number;
  /** 2·IDTP / (GT + PRED) with the best one-to-one gt-id ↔ track-id mapping over the sequence. */
  idf1: number;
  meanGtPerFrame: number;
  meanPredPerFrame: number;
}

const MIN_IOU = 0.5;

/** CLEAR-MOT and IDF1-like figures of predicted tracks against ground truth, frame by frame. */
export function evaluateMot(
  frames: number,
  gt: Map<number, Labelled[]>,
  pred: Map<number, Labelled[]>,
): MotMetrics {
  let gtBoxes = 0;
  let predBoxes = 0;
  let fn = 0;
  let fp = 0;
  let idsw = 0;
  const lastMatch = new Map<number, number>();
  const cooccur = new Map<string, number>();
  for (let f = 1; f <= frames; f++) {
    const g = gt.get(f) ?? [];
    const p = pred.get(f) ?? [];
    gtBoxes += g.length;
    predBoxes += p.length;
    const cost = g.map((a) => p.map((b) => 1 - iou(a.box, b.box)));
    const result = assign(cost, g.length, p.length, 1 - MIN_IOU);
    fn += result.unmatchedRows.length;
    fp += result.unmatchedCols.length;
    for (const [r, c] of result.matches) {
      const gid = g[r]!.id;
      const pid = p[c]!.id;
      const previous = lastMatch.get(gid);
      if (previous !== undefined && previous !== pid) idsw++;
      lastMatch.set(gid, pid);
      const key = `${gid}:${pid}`;
      cooccur.set(key, (cooccur.get(key) ?? 0) + 1);
    }
  }
  return {
    gtBoxes,
    predBoxes,
    falseNegatives: fn,
    falsePositives: fp,
    idSwitches: idsw,
    mota: 1 - (fn + fp + idsw) / Math.max(1, gtBoxes),
    idf1: (2 * idTruePositives(cooccur)) / Math.max(1, gtBoxes + predBoxes),
    meanGtPerFrame: gtBoxes / frames,
    meanPredPerFrame: predBoxes / frames,
  };
}

function idTruePositives(cooccur: Map<string, number>): number {
  const gids = [...new Set([...cooccur.keys()].map((k) => Number(k.split(':')[0])))];
  const pids = [...new Set([...cooccur.keys()].map((k) => Number(k.split(':')[1])))];
  const max = Math.max(0, ...cooccur.values());
  const cost = gids.map((g) => pids.map((p) => max - (cooccur.get(`${g}:${p}`) ?? 0)));
  const { matches } = assign(cost, gids.length, pids.length, max);
  return matches.reduce((sum, [r, c]) => sum + (cooccur.get(`${gids[r]}:${pids[c]}`) ?? 0), 0);
}
