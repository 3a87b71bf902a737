/**
 * In-process limits of one replica. With several replicas each enforces its own share; the
 * numbers are per replica (documented in the README).
 */

/** Sliding one-minute window of message timestamps per key. */
export class RateLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(
    private readonly perMinute: number,
    private readonly windowMs = 60_000,
  ) {}

  /** Record a hit if allowed; otherwise the seconds until the next one is. */
  take(key: string, now = Date.now()): { ok: true } | { ok: false; retryAfterSec: number } {
    const recent = (this.hits.get(key) ?? []).filter((t) => t > now - this.windowMs);
    if (recent.length >= this.perMinute) {
      this.hits.set(key, recent);
      return { ok: false, retryAfterSec: Math.max(1, Math.ceil((recent[0]! + this.windowMs - now) / 1000)) };
    }
    recent.push(now);
    this.hits.set(key, recent);
    if (this.hits.size > 10_000) this.prune(now);
    return { ok: true };
  }

  private prune(now: number): void {
    for (const [key, times] of this.hits)
      if (!times.some((t) => t > now - this.windowMs)) this.hits.delete(key);
  }
}

/** Open streams per user; a slot is released exactly once. */
export class ConcurrencyLimiter {
  private readonly open = new Map<string, number>();

  constructor(private readonly maxPerKey: number) {}

  acquire(key: string): (() => void) | undefined {
    const current = this.open.get(key) ?? 0;
    if (current >= this.maxPerKey) return undefined;
    this.open.set(key, current + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open.get(key) ?? 1) - 1;
      if (left <= 0) this.open.delete(key);
      else this.open.set(key, left);
    };
  }

  count(key: string): number {
    return this.open.get(key) ?? 0;
  }
}
