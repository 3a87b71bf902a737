/**
 * Times as the answers state them. Tools put these exact strings in their results so that every
 * digit of an answer can be traced back to a tool result (the grounding rule).
 */
export interface TimeFormatter {
  /** "2026-11-22 14:05:09 UTC" (or the configured zone's abbreviation). */
  instant(ms: number): string;
  /** "14:00" */
  hourMinute(ms: number): string;
  /** Start of the hour containing ms, in the display zone. */
  hourStart(ms: number): number;
  /** Local midnight of the day containing ms, in the display zone. */
  dayStart(ms: number): number;
  timeZone: string;
}

export function timeFormatter(timeZone: string): TimeFormatter {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  });
  const pick = (ms: number) => {
    const out: Record<string, string> = {};
    for (const p of parts.formatToParts(new Date(ms))) out[p.type] = p.value;
    return out;
  };
  return {
    timeZone,
    instant(ms) {
      const p = pick(ms);
      return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second} ${p.timeZoneName}`;
    },
    hourMinute(ms) {
      const p = pick(ms);
      return `${p.hour}:${p.minute}`;
    },
    hourStart(ms) {
      const p = pick(ms);
      return ms - (Number(p.minute) * 60 + Number(p.second)) * 1000 - (ms % 1000);
    },
    dayStart(ms) {
      const p = pick(ms);
      return ms - ((Number(p.hour) * 60 + Number(p.minute)) * 60 + Number(p.second)) * 1000 - (ms % 1000);
    },
  };
}
