import { loadMot } from './mot.js';
import { evaluateBatches, type PeopleCountAccuracy, type SequenceAccuracy } from './service-accuracy.js';
import { detectFrames, loadYoloxNano } from './yolox-detections.js';

export const EVAL_SEQUENCES = ['TUD-Campus', 'PETS09-S3-MF1'] as const;

/** YOLOX-Nano on every frame of each sequence, then the service's analyzer; one result per sequence. */
export async function runEvaluation(
  names: readonly string[] = EVAL_SEQUENCES,
  maxFrames?: number,
): Promise<SequenceAccuracy[]> {
  const detector = await loadYoloxNano();
  try {
    const out: SequenceAccuracy[] = [];
    for (const name of names) {
      const seq = loadMot(name);
      out.push(evaluateBatches(seq, await detectFrames(detector, seq, maxFrames)));
    }
    return out;
  } finally {
    await detector.release();
  }
}

const pct = (v: number) => `${(v * 100).toFixed(1)} %`;
const crossings = (c: { in: number; out: number }) => `${c.in} in / ${c.out} out`;

/** A Markdown table of the figures, as docs/accuracy.md shows them. */
export function formatTable(results: readonly SequenceAccuracy[]): string {
  const rows = [
    '| sequence | frames | MOTA | IDF1 | ID switches | FN | FP | people/frame gt → counted | counted error: mean, per-frame MAE | raw detections/frame (error: mean, MAE) | matched tracks/frame (error: mean, MAE) | crossings gt → service | crossing count error |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of results) {
    rows.push(
      `| ${r.name} | ${r.frames} | ${r.mot.mota.toFixed(3)} | ${r.mot.idf1.toFixed(3)} | ${r.mot.idSwitches} | ` +
        `${r.mot.falseNegatives} | ${r.mot.falsePositives} | ` +
        `${r.peopleGtMean.toFixed(2)} → ${r.people.mean.toFixed(2)} | ${errors(r.people)} | ` +
        `${r.peopleRaw.mean.toFixed(2)} (${errors(r.peopleRaw)}) | ` +
        `${r.peopleTracked.mean.toFixed(2)} (${errors(r.peopleTracked)}) | ` +
        `${crossings(r.crossingsGt)} → ${crossings(r.crossingsService)} | ${pct(r.crossingError)} |`,
    );
  }
  return rows.join('\n');
}

/** The signed mean error (an over- or undercount shows as + or −), then the per-frame MAE. */
function errors(c: PeopleCountAccuracy): string {
  return `${c.bias > 0 ? '+' : c.bias < 0 ? '−' : ''}${pct(Math.abs(c.bias))}, ${pct(c.frameMae)}`;
}
