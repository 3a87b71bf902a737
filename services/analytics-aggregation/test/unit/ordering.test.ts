import { describe, expect, it } from 'vitest';
import { KeyedSerialQueue } from '../../src/domain/keyed-serial-queue.js';
import { Limiter } from '../../src/domain/limiter.js';

/** A promise and the function that resolves it. */
function gate(): { open: () => void; opened: Promise<void> } {
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

describe('KeyedSerialQueue', () => {
  it("runs a key's tasks in order and other keys' tasks meanwhile", async () => {
    const queue = new KeyedSerialQueue();
    const done: string[] = [];
    const first = gate();
    const a1 = queue.run('a', async () => {
      await first.opened;
      done.push('a1');
    });
    const a2 = queue.run('a', async () => {
      done.push('a2');
    });
    const b1 = queue.run('b', async () => {
      done.push('b1');
    });
    await b1;
    expect(done).toEqual(['b1']);
    expect(queue.busy('a')).toBe(true);
    first.open();
    await Promise.all([a1, a2]);
    expect(done).toEqual(['b1', 'a1', 'a2']);
  });

  it('goes on after a failed task and forgets idle keys', async () => {
    const queue = new KeyedSerialQueue();
    const failed = queue.run('a', async () => {
      throw new Error('publish failed');
    });
    const next = queue.run('a', async () => 'ran');
    await expect(failed).rejects.toThrow('publish failed');
    await expect(next).resolves.toBe('ran');
    await new Promise((r) => setImmediate(r));
    expect(queue.busy('a')).toBe(false);
  });
});

describe('Limiter', () => {
  it('never runs more than its maximum at once, and runs every task', async () => {
    const limiter = new Limiter(2);
    let running = 0;
    let peak = 0;
    const task = async () => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
    };
    await Promise.all(Array.from({ length: 7 }, () => limiter.run(task)));
    expect(peak).toBe(2);
    expect(running).toBe(0);
  });
});
