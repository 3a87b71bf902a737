import { ApiError } from '@sightline/contracts';

/** Fixed one-minute windows per key, in this process (each replica counts its own requests). */
export class PerMinuteLimit {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Count one request; throws 429 with Retry-After when the key is over its limit. */
  take(key: string): void {
    const now = this.now();
    let window = this.windows.get(key);
    if (!window || now - window.start >= 60_000) {
      if (this.windows.size > 10_000) this.windows.clear();
      window = { start: now, count: 0 };
      this.windows.set(key, window);
    }
    window.count++;
    if (window.count > this.perMinute) {
      const retryAfter = Math.max(1, Math.ceil((window.start + 60_000 - now) / 1000));
      throw new ApiError('too_many_requests', `at most ${this.perMinute} requests a minute`, {
        'Retry-After': String(retryAfter),
      });
    }
  }
}
