import { createHash } from 'node:crypto';

/** Seed 004 event id: the Unix timestamp (seconds) followed by an 8-character hex hash. */
export function analyticEventId(timestampSec: number, ...parts: string[]): string {
  const hash = createHash('sha256').update(parts.join('|')).digest('hex').slice(0, 8);
  return `${Math.floor(timestampSec)}${hash}`;
}
