import { describe, expect, it } from 'vitest';
import { CrowdEstimator } from '../../src/domain/crowd.js';

const T0 = 1_738_000_020_000; // a multiple of 10 s
const area = (people: number, id = 'hall') => [{ id, name: id.toUpperCase(), people }];

describe('NFV4-CE crowd estimates', () => {
  it('dumps the mean over the frames of the interval when a later interval starts', () => {
    const crowd = new CrowdEstimator(10);
    expect(crowd.add(area(2), T0)).toEqual([]);
    expect(crowd.add(area(5), T0 + 4_000)).toEqual([]);
    expect(crowd.add(area(3), T0 + 9_999)).toEqual([]);
    // 2, 5, 3 → 3.33; the frame at +10 s belongs to the next interval.
    expect(crowd.add(area(7), T0 + 10_000)).toEqual([
      { id: 'hall', name: 'HALL', estimation: 3.33, frames: 3 },
    ]);
    expect(crowd.add(area(1), T0 + 35_000)).toEqual([{ id: 'hall', name: 'HALL', estimation: 7, frames: 1 }]);
  });

  it('keeps each area apart, and a late frame does not reopen a dumped interval', () => {
    const crowd = new CrowdEstimator(10);
    crowd.add([...area(4, 'a'), ...area(0, 'b')], T0);
    crowd.add([...area(2, 'a'), ...area(1, 'b')], T0 + 1_000);
    const dumped = crowd.add([...area(9, 'a'), ...area(9, 'b')], T0 + 12_000);
    expect(dumped.map((e) => [e.id, e.estimation])).toEqual([
      ['a', 3],
      ['b', 0.5],
    ]);
    expect(crowd.add(area(100, 'a'), T0 + 2_000)).toEqual([]); // late: interval T0 is gone
    expect(crowd.add(area(1, 'a'), T0 + 20_000)).toEqual([{ id: 'a', name: 'A', estimation: 9, frames: 1 }]);
  });
});
