import { describe, expect, it } from 'vitest';
import { Turns } from '../../src/domain/turns.js';

const tick = () => new Promise((r) => setImmediate(r));

describe('Turns', () => {
  it('lets a later frame of a device publish only after the earlier ones are done', async () => {
    const turns = new Turns();
    const order: string[] = [];
    const first = turns.enter('cam-1');
    const second = turns.enter('cam-1');
    const third = turns.enter('cam-1');
    void third.ready.then(() => order.push('third'));
    void second.ready.then(() => order.push('second'));
    await tick();
    expect(order).toEqual([]);
    await first.ready;
    first.done();
    await tick();
    expect(order).toEqual(['second']);
    second.done();
    await tick();
    expect(order).toEqual(['second', 'third']);
    third.done();
    await tick();
    expect(turns.openKeys).toBe(0);
  });

  it('does not hold one device up for another', async () => {
    const turns = new Turns();
    const a = turns.enter('cam-a');
    const b = turns.enter('cam-b');
    let bReady = false;
    void b.ready.then(() => {
      bReady = true;
    });
    await tick();
    expect(bReady).toBe(true);
    a.done();
    b.done();
  });

  it('keeps the order when a later turn ends first (it still waits for the earlier one)', async () => {
    const turns = new Turns();
    const first = turns.enter('cam-1');
    const second = turns.enter('cam-1');
    const third = turns.enter('cam-1');
    let thirdReady = false;
    void third.ready.then(() => {
      thirdReady = true;
    });
    second.done(); // e.g. dropped as stale before it had to wait
    await tick();
    expect(thirdReady).toBe(false);
    first.done();
    await tick();
    expect(thirdReady).toBe(true);
    third.done();
    await tick();
    expect(turns.openKeys).toBe(0);
  });

  it('ignores a second done of the same turn', async () => {
    const turns = new Turns();
    const first = turns.enter('cam-1');
    first.done();
    first.done();
    const next = turns.enter('cam-1');
    await next.ready;
    next.done();
    await tick();
    expect(turns.openKeys).toBe(0);
  });
});
