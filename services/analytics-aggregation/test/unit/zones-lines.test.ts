import type { Point, SceneLine, SceneZone } from '@sightline/contracts';
import { describe, expect, it } from 'vitest';
import { pointInPolygon, signedDistance } from '../../src/domain/geometry.js';
import { LineCounter } from '../../src/domain/lines.js';
import { ZoneOccupancy } from '../../src/domain/zones.js';

/** A "U" shape: concave, open at the top between x=4 and x=6. */
const U: Point[] = [
  [0, 0],
  [4, 0],
  [4, 6],
  [6, 6],
  [6, 0],
  [10, 0],
  [10, 10],
  [0, 10],
];

describe('point in polygon', () => {
  it('handles a concave polygon', () => {
    expect(pointInPolygon([2, 2], U)).toBe(true);
    expect(pointInPolygon([5, 3], U)).toBe(false); // in the notch
    expect(pointInPolygon([5, 8], U)).toBe(true);
    expect(pointInPolygon([11, 5], U)).toBe(false);
  });

  it('counts points on edges and vertices as inside', () => {
    expect(pointInPolygon([0, 5], U)).toBe(true);
    expect(pointInPolygon([4, 3], U)).toBe(true);
    expect(pointInPolygon([10, 10], U)).toBe(true);
    expect(pointInPolygon([5, 6], U)).toBe(true);
  });

  it('signs the distance: left of a→b is negative (image y down)', () => {
    expect(signedDistance([5, -2], [0, 0], [10, 0])).toBe(-2);
    expect(signedDistance([5, 3], [0, 0], [10, 0])).toBe(3);
  });
});

const person = (trackId: number, anchor: Point) => ({ trackId, label: 'person', score: 0.9, anchor });

describe('zone occupancy with inertia and dwell', () => {
  const zone: SceneZone = { id: 'hall', polygon: U };

  it('ignores a one-frame flicker and enters after k frames', () => {
    const occ = new ZoneOccupancy(zone, new Set(['person']), 3);
    expect(occ.update([person(1, [2, 2])], 0)).toEqual([]);
    expect(occ.update([person(1, [20, 2])], 100)).toEqual([]); // flicker out resets the streak
    expect(occ.update([person(1, [2, 2])], 200)).toEqual([]);
    expect(occ.update([person(1, [2, 3])], 300)).toEqual([]);
    const [enter] = occ.update([person(1, [2, 4])], 400);
    expect(enter).toMatchObject({ kind: 'enter', trackId: 1, at: 200 });
    expect(occ.countsByClass()).toEqual({ person: 1 });
  });

  it('measures dwell from the first inside frame to the first outside frame', () => {
    const occ = new ZoneOccupancy(zone, new Set(['person']), 2);
    occ.update([person(7, [2, 2])], 1000);
    occ.update([person(7, [2, 2])], 1100);
    occ.update([person(7, [2, 2])], 5000);
    occ.update([person(7, [20, 2])], 6000);
    const [leave] = occ.update([person(7, [20, 2])], 6100);
    expect(leave).toMatchObject({ kind: 'leave', at: 6000, dwellMs: 5000 });
    expect(occ.countsByClass()).toEqual({});
  });

  it('makes a track that ends inside leave, and ignores other classes', () => {
    const occ = new ZoneOccupancy(zone, new Set(['person']), 1);
    occ.update([person(1, [2, 2]), { ...person(2, [2, 2]), label: 'car' }], 0);
    expect(occ.countsByClass()).toEqual({ person: 1 });
    expect(occ.end([1], 500)).toEqual([
      { zoneId: 'hall', trackId: 1, label: 'person', kind: 'leave', at: 500, dwellMs: 500 },
    ]);
  });
});

describe('line crossing', () => {
  // Horizontal door line; people coming from above (y < 100, the left side of a→b) go "in".
  const door: SceneLine = { id: 'door', a: [0, 100], b: [200, 100], inFrom: 'left' };

  it('counts a track jittering on the line once', () => {
    const counter = new LineCounter(door, new Set(['person']), 6);
    const ys = [60, 80, 95, 103, 97, 104, 99, 101, 96, 108, 94, 112, 130, 150];
    const crossings = ys.flatMap((y, i) => counter.update([person(1, [50, y])], i));
    expect(crossings).toEqual([
      { lineId: 'door', trackId: 1, label: 'person', score: 0.9, direction: 'in', at: 9 },
    ]);
  });

  it('counts each direction once per track, with direction and class', () => {
    const counter = new LineCounter({ ...door, classes: undefined }, new Set(['person', 'car']), 6);
    const path = [50, 150, 50, 150, 50];
    const crossings = path.flatMap((y, i) =>
      counter.update([person(1, [50, y]), { ...person(2, [150, 200 - y]), label: 'car' }], i),
    );
    expect(crossings.map((c) => `${c.trackId}:${c.label}:${c.direction}`)).toEqual([
      '1:person:in',
      '2:car:out',
      '1:person:out',
      '2:car:in',
    ]);
  });

  it('ignores crossings beyond the ends of the segment and respects inFrom', () => {
    const counter = new LineCounter({ ...door, inFrom: 'right' }, new Set(['person']), 6);
    expect([50, 150].flatMap((y, i) => counter.update([person(1, [500, y])], i))).toEqual([]);
    const [c] = [50, 150].flatMap((y, i) => counter.update([person(2, [100, y])], i));
    expect(c?.direction).toBe('out');
  });

  it('uses the birth anchor to count a crossing made before confirmation', () => {
    const counter = new LineCounter(door, new Set(['person']), 6);
    const [c] = counter.update([{ ...person(1, [50, 130]), origin: [50, 70] }], 0);
    expect(c?.direction).toBe('in');
  });
});
