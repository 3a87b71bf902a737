import { ApiError } from '@sightline/contracts';

/**
 * SSE event ids are `<uuid>-<seq>`: the uuid names the stream (the device id of a device stream,
 * the tenant id of `/all`) and seq is the event's ANALYSIS stream sequence, so an id is an exact
 * resume position on any replica.
 */
export function formatEventId(streamKey: string, seq: number): string {
  return `${streamKey}-${seq}`;
}

export function parseEventId(id: string): { streamKey: string; seq: number } | undefined {
  const m = /^(.+)-(\d{1,15})$/.exec(id);
  if (!m) return undefined;
  return { streamKey: m[1]!, seq: Number(m[2]) };
}

/**
 * The stream position a client resumes after (`Last-Event-ID` header first, then `?lastEventId=`),
 * or undefined for a fresh connection. An id of another stream is a 400, never a silent restart.
 */
export function resumePosition(
  header: string | string[] | undefined,
  query: string | undefined,
  streamKey: string,
): number | undefined {
  const raw = (Array.isArray(header) ? header[0] : header) ?? query;
  if (raw === undefined || raw === '') return undefined;
  const parsed = parseEventId(raw.trim());
  if (!parsed) throw new ApiError('bad_request', 'Last-Event-ID must look like <stream id>-<sequence>');
  if (parsed.streamKey !== streamKey) {
    throw new ApiError('bad_request', 'Last-Event-ID belongs to another stream');
  }
  return parsed.seq;
}
