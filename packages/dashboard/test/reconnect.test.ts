import { afterEach, describe, expect, it, vi } from 'vitest';
import { type LinkStatus, ReconnectLoop } from '../src/client/lib/connection.js';
import { appendPoint } from '../src/client/lib/live-model.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('ReconnectLoop', () => {
  it('retries failed attempts with growing delays, resets once open, and stops for good', async () => {
    vi.useFakeTimers();
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const attempts: number[] = [];
    let end: ((why: string) => void) | undefined;
    let closed = 0;
    const loop = new ReconnectLoop(async (opened, ended) => {
      attempts.push(Date.now());
      if (attempts.length <= 2) throw new Error(`refused ${attempts.length}`);
      opened();
      end = ended;
      return () => closed++;
    });
    const states: LinkStatus[] = [];
    loop.status.subscribe((s) => states.push(s));
    loop.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(loop.status.value).toMatchObject({ state: 'reconnecting', detail: 'refused 1' });
    await vi.advanceTimersByTimeAsync(1000);
    expect(loop.status.value).toMatchObject({ state: 'reconnecting', detail: 'refused 2' });
    await vi.advanceTimersByTimeAsync(2000);
    expect(loop.status.value.state).toBe('open');
    // Seed 002: 1 s, then 2 s between attempts.
    expect(attempts.map((t) => t - attempts[0]!)).toEqual([0, 1000, 3000]);

    end!('server went away');
    expect(closed).toBe(1);
    expect(loop.status.value).toMatchObject({ state: 'reconnecting', detail: 'server went away' });
    await vi.advanceTimersByTimeAsync(1000);
    expect(attempts).toHaveLength(4); // the delay started again at 1 s after a good connection
    loop.stop();
    expect(loop.status.value.state).toBe('closed');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(attempts).toHaveLength(4);
    expect(states.map((s) => s.state)).toContain('connecting');
  });
});

describe('live series', () => {
  it('keeps one point per second and only the last hour', () => {
    const series: Array<{ at: number; value: number }> = [];
    appendPoint(series, { at: 1_000, value: 1 }, 1_000);
    appendPoint(series, { at: 1_500, value: 2 }, 1_500);
    appendPoint(series, { at: 2_000, value: 3 }, 2_000);
    expect(series).toEqual([
      { at: 1_500, value: 2 },
      { at: 2_000, value: 3 },
    ]);
    appendPoint(series, { at: 3_601_800, value: 4 }, 3_601_800);
    expect(series).toEqual([
      { at: 2_000, value: 3 },
      { at: 3_601_800, value: 4 },
    ]);
  });
});
