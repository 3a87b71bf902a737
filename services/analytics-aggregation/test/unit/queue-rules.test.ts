import type { SceneRule, SceneZone } from '@sightline/contracts';
import { describe, expect, it } from 'vitest';
import { predictWait, QueueMonitor } from '../../src/domain/queue.js';
import { RuleEngine } from '../../src/domain/rules.js';
import { ZoneOccupancy } from '../../src/domain/zones.js';

describe('queue wait prediction', () => {
  it("uses Little's law for the p50 and the observed spread for the p90", () => {
    // 6 people waiting, 2 served per minute → 3 minutes.
    const p = predictWait(6, 2 / 60_000, [60_000, 90_000, 120_000, 150_000, 240_000]);
    expect(p.p50Ms).toBeCloseTo(180_000);
    expect(p.p90Ms).toBeCloseTo(180_000 * (quantile90() / 120_000));
    expect(p.serviceRatePerMin).toBeCloseTo(2);
  });

  it('falls back to the observed waits, then to nothing', () => {
    expect(predictWait(3, undefined, [10, 20, 30])).toEqual({ p50Ms: 20, p90Ms: 28 });
    expect(predictWait(3, undefined, [])).toEqual({});
  });

  it('records the wait of each person reaching the service point, once', () => {
    const zone: SceneZone = {
      id: 'q',
      kind: 'queue',
      polygon: [
        [0, 0],
        [100, 0],
        [100, 100],
        [0, 100],
      ],
      servicePoint: [50, 10],
      serviceRadius: 5,
    };
    const occ = new ZoneOccupancy(zone, new Set(['person']), 1);
    const queue = new QueueMonitor(zone, occ);
    const p = (id: number, y: number) => ({
      trackId: id,
      label: 'person',
      score: 1,
      anchor: [50, y] as [number, number],
    });
    const frames: Array<[number, ReturnType<typeof p>[]]> = [
      [0, [p(1, 90), p(2, 95)]],
      [30_000, [p(1, 40), p(2, 90)]],
      [60_000, [p(1, 12), p(2, 60)]],
      [61_000, [p(1, 11), p(2, 55)]],
      [120_000, [p(1, 150), p(2, 10)]],
    ];
    const waits = frames.flatMap(([at, objects]) => {
      occ.update(objects, at);
      return queue.update(objects, at);
    });
    expect(waits.map((w) => [w.trackId, w.waitMs])).toEqual([
      [1, 60_000],
      [2, 120_000],
    ]);
    expect(queue.length()).toBe(0);
    expect(queue.prediction(120_000).serviceRatePerMin).toBeCloseTo(1);
  });
});

function quantile90() {
  // p90 of [60,90,120,150,240] s by linear interpolation: 150 + 0.6 * 90 = 204 s.
  return 204_000;
}

describe('rules with hysteresis and cooldown', () => {
  const rule: SceneRule = {
    id: 'long-queue',
    metric: 'queue_length',
    threshold: 8,
    clearThreshold: 6,
    forMs: 60_000,
    cooldownMs: 120_000,
  };

  it('fires after the condition held forMs, resolves only below clearThreshold, then cools down', () => {
    const engine = new RuleEngine([rule]);
    const run = (value: number, at: number) =>
      engine.evaluate(() => value, at).map((a) => `${a.state}@${at}`);
    expect(run(9, 0)).toEqual([]);
    expect(run(9, 30_000)).toEqual([]);
    expect(run(9, 60_000)).toEqual(['firing@60000']);
    expect(run(7, 70_000)).toEqual([]); // below threshold, above clearThreshold: still firing
    expect(run(9, 80_000)).toEqual([]);
    expect(run(6, 90_000)).toEqual(['resolved@90000']);
    expect(run(12, 100_000)).toEqual([]); // cooldown until 210 000
    expect(run(12, 250_000)).toEqual([]); // pending again from 250 000
    expect(run(12, 310_000)).toEqual(['firing@310000']);
  });

  it('restarts the forMs clock when the condition breaks, and supports "<"', () => {
    const engine = new RuleEngine([{ id: 'empty', metric: 'count', op: '<', threshold: 1, forMs: 1000 }]);
    const run = (value: number, at: number) => engine.evaluate(() => value, at).map((a) => a.state);
    expect(run(0, 0)).toEqual([]);
    expect(run(2, 500)).toEqual([]);
    expect(run(0, 1000)).toEqual([]);
    expect(run(0, 2000)).toEqual(['firing']);
  });
});
