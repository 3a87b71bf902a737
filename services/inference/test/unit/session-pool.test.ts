import { describe, expect, it } from 'vitest';
import type { ModelRunner } from '../../src/adapters/onnx-model.js';
import { SessionPool } from '../../src/adapters/session-pool.js';
import { builtinModels } from '../../src/domain/model-registry.js';

/** A session whose runs finish when the test says so: the pool's dispatch alone is under test. */
function heldSession(name: string, log: string[], capacity = 1) {
  const finish: (() => void)[] = [];
  const runner: ModelRunner = {
    spec: builtinModels.yolox_nano!,
    file: name,
    loadMs: 0,
    capacity,
    run: (input) =>
      new Promise((resolve) => {
        log.push(`${name} starts ${input[0]}`);
        finish.push(() => resolve({ outputs: { out: { data: input, dims: [1] } }, input, passMs: 1 }));
      }),
    release: async () => {
      log.push(`${name} released`);
    },
  };
  return { runner, finishNext: () => finish.shift()?.() };
}

const tensor = (n: number) => Float32Array.of(n);
const settle = () => new Promise((r) => setImmediate(r));

describe('SessionPool', () => {
  it('with one session runs one at a time, in call order', async () => {
    const log: string[] = [];
    const a = heldSession('a', log);
    const pool = new SessionPool([a.runner]);
    const runs = [1, 2, 3].map((n) => pool.run(tensor(n)));
    await settle();
    expect(log).toEqual(['a starts 1']);
    a.finishNext();
    await settle();
    a.finishNext();
    await settle();
    a.finishNext();
    const outputs = await Promise.all(runs);
    expect(outputs.map((o) => o.outputs.out!.data[0])).toEqual([1, 2, 3]);
    expect(log).toEqual(['a starts 1', 'a starts 2', 'a starts 3']);
  });

  it('with two sessions runs two side by side and hands a freed session to the oldest waiter', async () => {
    const log: string[] = [];
    const [a, b] = [heldSession('a', log), heldSession('b', log)];
    const pool = new SessionPool([a.runner, b.runner]);
    const runs = [1, 2, 3].map((n) => pool.run(tensor(n)));
    await settle();
    expect(log.sort()).toEqual(['a starts 2', 'b starts 1']);
    b.finishNext();
    await settle();
    expect(log).toContain('b starts 3');
    a.finishNext();
    b.finishNext();
    expect((await Promise.all(runs)).map((o) => o.outputs.out!.data[0])).toEqual([1, 2, 3]);
    await pool.release();
    expect(log.filter((l) => l.endsWith('released')).sort()).toEqual(['a released', 'b released']);
  });

  it('gives a session as many runs as its capacity, spread over the sessions before they queue', async () => {
    const log: string[] = [];
    const [a, b] = [heldSession('a', log, 2), heldSession('b', log, 2)];
    const pool = new SessionPool([a.runner, b.runner]);
    const runs = [1, 2, 3, 4, 5].map((n) => pool.run(tensor(n)));
    await settle();
    // One each first, then a second each (held ready in the session's queue); the fifth waits.
    expect(log.slice(0, 2).sort()).toEqual(['a starts 2', 'b starts 1']);
    expect(log.slice(2).sort()).toEqual(['a starts 4', 'b starts 3']);
    b.finishNext();
    await settle();
    expect(log).toContain('b starts 5');
    a.finishNext();
    a.finishNext();
    b.finishNext();
    b.finishNext();
    expect((await Promise.all(runs)).map((o) => o.outputs.out!.data[0])).toEqual([1, 2, 3, 4, 5]);
  });

  it('frees the session when a run fails', async () => {
    const failing: ModelRunner = {
      spec: builtinModels.yolox_nano!,
      file: 'f',
      loadMs: 0,
      capacity: 1,
      run: async () => {
        throw new Error('bad input');
      },
      release: async () => {},
    };
    const pool = new SessionPool([failing]);
    await expect(pool.run(tensor(1))).rejects.toThrow('bad input');
    await expect(pool.run(tensor(2))).rejects.toThrow('bad input');
  });
});
