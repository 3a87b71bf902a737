import { describe, expect, it } from 'vitest';
import { ConcurrencyLimiter, RateLimiter } from '../../src/domain/limits.js';

describe('limits', () => {
  it('allows N messages a minute per key and says when the next one is allowed', () => {
    const rate = new RateLimiter(2);
    const t0 = 1_000_000;
    expect(rate.take('k', t0).ok).toBe(true);
    expect(rate.take('k', t0 + 10_000).ok).toBe(true);
    expect(rate.take('k', t0 + 20_000)).toEqual({ ok: false, retryAfterSec: 40 });
    expect(rate.take('other', t0 + 20_000).ok).toBe(true);
    expect(rate.take('k', t0 + 60_001).ok).toBe(true);
  });

  it('limits open streams per user and releases each slot once', () => {
    const streams = new ConcurrencyLimiter(2);
    const a = streams.acquire('u')!;
    const b = streams.acquire('u')!;
    expect(streams.acquire('u')).toBeUndefined();
    a();
    a();
    expect(streams.count('u')).toBe(1);
    expect(streams.acquire('u')).toBeTypeOf('function');
    b();
    expect(streams.count('u')).toBe(1);
  });
});
