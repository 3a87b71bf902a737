import { AnalyticEvent, compile } from '@sightline/contracts';
import type { Decoder } from '../adapters/js-message.js';

const validEvent = compile(AnalyticEvent);
const decoder = new TextDecoder();

/** A seed 004 event as the gateway fans it out: checked and serialised once. */
export interface OutgoingAnalyticEvent {
  seq: number;
  storedAtMs: number;
  analyticId: string;
  streamId: string;
  text: string;
  /** `text` as UTF-8, made once per event for all clients (see `bytesOf`). */
  bytes?: Buffer;
}

/** The event's bytes, encoded on first use and shared by every client it is sent to. */
export function bytesOf(event: OutgoingAnalyticEvent): Buffer {
  event.bytes ??= Buffer.from(event.text);
  return event.bytes;
}

export const analyticEventDecoder: Decoder<OutgoingAnalyticEvent> = (msg) => {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(msg.data));
  } catch {
    return { drop: 'invalid_json' };
  }
  if (!validEvent.check(value)) return { drop: 'invalid_schema' };
  return {
    event: {
      seq: msg.seq,
      storedAtMs: msg.storedAtMs,
      analyticId: value.analytic_id,
      streamId: value.stream_id,
      text: JSON.stringify(value),
    },
  };
};

/** `?analytic_id=&stream_id=`: each optional, an exact match when given. */
export function matchesEventFilter(
  event: OutgoingAnalyticEvent,
  filter: { analyticId?: string; streamId?: string },
): boolean {
  return (
    (filter.analyticId === undefined || event.analyticId === filter.analyticId) &&
    (filter.streamId === undefined || event.streamId === filter.streamId)
  );
}
