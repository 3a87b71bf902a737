import { describe, expect, it } from 'vitest';
import { loadMot } from '../../eval/mot.js';
import { evaluateBatches } from '../../eval/service-accuracy.js';
import { detectFrames, loadYoloxNano } from '../../eval/yolox-detections.js';

/**
 * The CI-sized slice of `pnpm eval:analytics`: the real YOLOX-Nano (the inference service's own
 * Detector) on the first 25 real frames of TUD-Campus, through the service's DeviceAnalyzer.
 * Measured on this slice (docs/accuracy.md, 2026-12-02, with confirmation by time): MOTA 0.711,
 * IDF1 0.812, 0 ID switches; people per frame 5.40 gt → 4.96 counted (`counts.person`, the
 * tracker-based rule of presence.ts: −8.1 %, per-frame MAE 8.1 %), against 6.52 raw detections
 * (+20.7 %) and 4.16 tracked in the frame (−23.0 %); crossings 1 in / 1 out as gt. The bounds
 * leave a margin for CPU float differences and small tracker changes.
 */
describe('YOLOX-Nano on TUD-Campus frames 1–25, through the analyzer', () => {
  it('counts, tracks and counts crossings within bounds of the ground truth', async () => {
    const seq = loadMot('TUD-Campus');
    const detector = await loadYoloxNano();
    const batches = await detectFrames(detector, seq, 25).finally(() => detector.release());
    const r = evaluateBatches(seq, batches);
    console.log(
      `TUD-Campus 1-25 YOLOX-Nano: MOTA ${r.mot.mota.toFixed(3)} IDF1 ${r.mot.idf1.toFixed(3)} ` +
        `IDSW ${r.mot.idSwitches} people/frame gt ${r.peopleGtMean.toFixed(2)} counted ` +
        `${r.people.mean.toFixed(2)} (MAE ${(r.people.frameMae * 100).toFixed(1)} %) raw ` +
        `${r.peopleRaw.mean.toFixed(2)} tracked ${r.peopleTracked.mean.toFixed(2)} ` +
        `crossings gt ${JSON.stringify(r.crossingsGt)} service ${JSON.stringify(r.crossingsService)}`,
    );
    expect(batches).toHaveLength(25);
    expect(r.people.meanError).toBeLessThan(0.15);
    expect(r.people.frameMae).toBeLessThan(0.2);
    // The point of the rule: closer to the truth than counting every raw detection.
    expect(r.people.frameMae).toBeLessThan(r.peopleRaw.frameMae);
    expect(r.peopleTracked.meanError).toBeLessThan(0.3);
    expect(r.mot.mota).toBeGreaterThan(0.6);
    expect(r.mot.idf1).toBeGreaterThan(0.75);
    expect(r.mot.idSwitches).toBeLessThanOrEqual(2);
    expect(r.crossingsGt.in + r.crossingsGt.out).toBeGreaterThan(0);
    const crossingMiss =
      Math.abs(r.crossingsService.in - r.crossingsGt.in) +
      Math.abs(r.crossingsService.out - r.crossingsGt.out);
    expect(crossingMiss).toBeLessThanOrEqual(1);
  }, 40_000);
});
