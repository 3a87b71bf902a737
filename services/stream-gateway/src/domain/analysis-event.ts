import { AnalysisResult, compile, parseDeviceSubject } from '@sightline/contracts';
import type { Decoder } from '../adapters/js-message.js';
import { formatEventId } from './event-id.js';
import { applyFilter, type DetectionFilter } from './filters.js';
import { eventFrame } from './sse-format.js';

const validResult = compile(AnalysisResult);
const decoder = new TextDecoder();

/** One analysis_result as the gateway fans it out: decoded and checked once, framed once per filter. */
export interface AnalysisEvent {
  seq: number;
  storedAtMs: number;
  result: AnalysisResult;
  /** `<stream key>-<seq>`: the SSE id. */
  id: string;
  /** SSE frame by filter key; null when the filter leaves nothing to send. */
  /** SSE frames by filter key, as bytes: encoded once, written to every client with that filter. */
  frames: Map<string, Buffer | null>;
}

/**
 * Decoder for one SSE stream: `streamKey` is the device id (device stream) or the tenant id
 * (`/all`), the uuid part of every event id.
 */
export function analysisDecoder(streamKey: string): Decoder<AnalysisEvent> {
  return (msg) => {
    let value: unknown;
    try {
      value = JSON.parse(decoder.decode(msg.data));
    } catch {
      return { drop: 'invalid_json' };
    }
    if (!validResult.check(value)) return { drop: 'invalid_schema' };
    if (parseDeviceSubject(msg.subject)?.deviceId !== value.deviceId) return { drop: 'device_mismatch' };
    return {
      event: {
        seq: msg.seq,
        storedAtMs: msg.storedAtMs,
        result: value,
        id: formatEventId(streamKey, msg.seq),
        frames: new Map(),
      },
    };
  };
}

/**
 * The SSE frame of an event for a filter, built and UTF-8 encoded at most once per (event,
 * filter): a thousand clients of one device cost one encoding, not a thousand.
 */
export function frameFor(event: AnalysisEvent, filter: DetectionFilter): Buffer | null {
  let frame = event.frames.get(filter.key);
  if (frame === undefined) {
    const kept = applyFilter(event.result, filter);
    // JSON.stringify escapes newlines inside strings, so `data:` stays one line.
    frame = kept ? Buffer.from(eventFrame('analysis_result', event.id, JSON.stringify(kept))) : null;
    event.frames.set(filter.key, frame);
  }
  return frame;
}
