export interface TimestampLimits {
  maxFutureMs: number;
  maxAgeMs: number;
}

export type TimestampCheck = { ok: true; capturedAt: number } | { ok: false; reason: string };

/**
 * The capture time of a frame in Unix ms. Absent means "now". Seconds are accepted too (a
 * value below 1e11 is read as seconds: ms timestamps passed 1e11 in 1973).
 */
export function checkTimestamp(raw: unknown, now: number, limits: TimestampLimits): TimestampCheck {
  if (raw === undefined || raw === null || raw === '') return { ok: true, capturedAt: now };
  const value =
    typeof raw === 'number'
      ? raw
      : typeof raw === 'string' && /^\d+(\.\d+)?$/.test(raw)
        ? Number(raw)
        : Number.NaN;
  if (!Number.isFinite(value) || value <= 0)
    return { ok: false, reason: 'timestamp must be a positive number of Unix milliseconds' };
  const ms = Math.round(value < 1e11 ? value * 1000 : value);
  if (ms > now + limits.maxFutureMs) return { ok: false, reason: 'timestamp is in the future' };
  if (ms < now - limits.maxAgeMs) return { ok: false, reason: 'timestamp is too old' };
  return { ok: true, capturedAt: ms };
}
