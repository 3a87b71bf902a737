/**
 * Seed 002's reconnection delay: base · 2^attempt, capped, with up to 20 % jitter so many
 * dashboards that lost the gateway at once do not come back in the same millisecond.
 */
export function backoffDelay(attempt: number, baseMs = 1000, maxMs = 30_000, random = Math.random): number {
  const exponential = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt));
  return Math.round(exponential * (1 + 0.2 * random()));
}
