import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { WriteCoalescer } from '../../src/adapters/write-coalescer.js';

/** A real stream that records each write it passes on to the "socket" (its _writev/_write). */
function recordingStream() {
  const writes: string[] = [];
  const stream = new PassThrough({
    writev(chunks, done) {
      writes.push(chunks.map((c) => String(c.chunk)).join(''));
      done();
    },
    write(chunk, _enc, done) {
      writes.push(String(chunk));
      done();
    },
  });
  return { stream, writes };
}

const nextTurn = () => new Promise((r) => setImmediate(r));

describe('WriteCoalescer', () => {
  it('writes of one turn leave in one write, in order; the next turn starts a new one', async () => {
    const coalescer = new WriteCoalescer();
    const { stream, writes } = recordingStream();
    for (const event of ['a\n', 'b\n', 'c\n']) {
      coalescer.hold(stream);
      stream.write(event);
    }
    expect(writes).toEqual([]);
    await nextTurn();
    expect(writes).toEqual(['a\nb\nc\n']);
    coalescer.hold(stream);
    stream.write('d\n');
    await nextTurn();
    expect(writes).toEqual(['a\nb\nc\n', 'd\n']);
  });

  it('wrote() keeps a small write held and flushes a stream once 64 KB wait', async () => {
    const coalescer = new WriteCoalescer();
    const { stream, writes } = recordingStream();
    coalescer.hold(stream);
    stream.write('small');
    coalescer.wrote(stream);
    await Promise.resolve();
    expect(writes).toEqual([]);
    stream.write('x'.repeat(64 * 1024));
    coalescer.wrote(stream);
    await Promise.resolve();
    expect(writes).toEqual([`small${'x'.repeat(64 * 1024)}`]);
  });

  it('flushNow sends one stream at once and leaves the others held', async () => {
    const coalescer = new WriteCoalescer();
    const [one, two] = [recordingStream(), recordingStream()];
    for (const { stream } of [one, two]) {
      coalescer.hold(stream);
      stream.write('burst');
    }
    coalescer.flushNow(one.stream);
    await Promise.resolve();
    expect([one.writes, two.writes]).toEqual([['burst'], []]);
    await nextTurn();
    expect(two.writes).toEqual(['burst']);
  });

  it('flushes every held stream in the same flush', async () => {
    const coalescer = new WriteCoalescer();
    const [one, two] = [recordingStream(), recordingStream()];
    for (const { stream } of [one, two]) {
      coalescer.hold(stream);
      stream.write('x');
      coalescer.hold(stream);
      stream.write('y');
    }
    await nextTurn();
    expect([one.writes, two.writes]).toEqual([['xy'], ['xy']]);
  });
});
