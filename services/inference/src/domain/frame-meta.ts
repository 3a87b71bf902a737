import { compile, FrameMeta, frameHeaders } from '@sightline/contracts';

const validator = compile(FrameMeta);
const numeric = new Set<keyof FrameMeta>(['capturedAt', 'acceptedAt', 'width', 'height']);

/** Anything with `get(name)`, like NATS message headers. */
export interface HeaderReader {
  get(name: string): string;
}

/**
 * Read FrameMeta from the headers ingest wrote (`frameHeaders`). Returns the problem in words
 * instead of throwing, so the worker can drop the frame with a reason.
 */
export function readFrameMeta(headers: HeaderReader | undefined): { meta: FrameMeta } | { problem: string } {
  if (!headers) return { problem: 'no headers' };
  const raw: Record<string, unknown> = {};
  for (const [field, header] of Object.entries(frameHeaders) as [keyof FrameMeta, string][]) {
    const value = headers.get(header);
    if (value === '') continue;
    raw[field] = numeric.has(field) ? Number(value) : value;
  }
  if (!validator.check(raw)) return { problem: validator.errors(raw).join('; ') };
  return { meta: raw };
}
