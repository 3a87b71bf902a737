import { describe, expect, it } from 'vitest';
import { loadMot } from '../../eval/mot.js';
import { evaluateBatches } from '../../eval/service-accuracy.js';
import { detectFrames, loadYoloxNano } from '../../eval/yolox-detections.js';

/**
 * The CI-sized slice of `pnpm eval:analytics`: the real YOLOX-Nano (the inference service's own
 * Detector) on the first 25 real frames of TUD-Campus, through the service's DeviceAnalyzer.
 * Measured on this slice (docs/accuracy.md): MOTA 0.704, IDF1 0.835, 0 ID switches, people per
 * frame 5.40 gt → 6.52 reported (+20.7 %) and 4.28 tracked (−20.7 %), crossings 1 in / 1 out as gt.
 * The bounds below leave a margin for CPU float differences and small tracker changes.
 */
describe('YOLOX-Nano on TUD-Campus frames 1–25, through the analyzer', () => {
  it('counts, tracks and counts crossings within bounds of the ground truth', async () => {
    const seq = loadMot('TUD-Campus');
    const detector = await loadYoloxNano();
    const batches = await detectFrames(detector, seq, 25).finally(() => detector.release());
    const r = evaluateBatches(seq, batches);
    console.log(
      `TUD-Campus 1-25 YOLOX-Nano: MOTA ${r.mot.mota.toFixed(3)} IDF1 ${r.mot.idf1.toFixed(3)} ` +
        `IDSW ${r.mot.idSwitches} people/frame gt ${r.peopleGtMean.toFixed(2)} reported ` +
        `${r.peopleReportedMean.toFixed(2)} tracked ${r.mot.meanPredPerFrame.toFixed(2)} ` +
        `crossings gt ${JSON.stringify(r.crossingsGt)} service ${JSON.stringify(r.crossingsService)}`,
    );
    expect(batches).toHaveLength(25);
    expect(r.peopleMeanError).toBeLessThan(0.35);
    expect(Math.abs(r.mot.meanPredPerFrame - r.peopleGtMean) / r.peopleGtMean).toBeLessThan(0.35);
    expect(r.mot.mota).toBeGreaterThan(0.5);
    expect(r.mot.idf1).toBeGreaterThan(0.6);
    expect(r.mot.idSwitches).toBeLessThanOrEqual(2);
    expect(r.crossingsGt.in + r.crossingsGt.out).toBeGreaterThan(0);
    const crossingMiss =
      Math.abs(r.crossingsService.in - r.crossingsGt.in) +
      Math.abs(r.crossingsService.out - r.crossingsGt.out);
    expect(crossingMiss).toBeLessThanOrEqual(1);
  }, 40_000);
});
