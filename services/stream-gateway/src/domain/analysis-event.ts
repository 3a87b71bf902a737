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
  /**
   * SSE frames by filter key, as bytes (null when the filter leaves nothing to send): encoded
   * once, written to every client with that filter. Used for replayed events; live events are
   * framed per batch (`batchFrames`).
   */
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

/** The SSE frame of an event for a filter as text; null when the filter leaves nothing to send. */
function frameText(event: AnalysisEvent, filter: DetectionFilter): string | null {
  const kept = applyFilter(event.result, filter);
  // JSON.stringify escapes newlines inside strings, so `data:` stays one line.
  return kept ? eventFrame('analysis_result', event.id, JSON.stringify(kept)) : null;
}

/**
 * The SSE frame of an event for a filter, built and UTF-8 encoded at most once per (event,
 * filter): a thousand clients of one device cost one encoding, not a thousand.
 */
export function frameFor(event: AnalysisEvent, filter: DetectionFilter): Buffer | null {
  let frame = event.frames.get(filter.key);
  if (frame === undefined) {
    const text = frameText(event, filter);
    frame = text === null ? null : Buffer.from(text);
    event.frames.set(filter.key, frame);
  }
  return frame;
}

/**
 * The frames of a run of events (in seq order) for one filter, concatenated into one buffer:
 * what a live client with that filter is written in one go. `seqs[i]` is the sequence of the
 * i-th event the filter kept and `starts[i]` where its frame begins, so a client that already
 * has some of them is written the tail (from `firstAfter`).
 */
export interface BatchFrames {
  bytes: Buffer;
  seqs: number[];
  starts: number[];
}

export function batchFrames(events: readonly AnalysisEvent[], filter: DetectionFilter): BatchFrames {
  const texts: string[] = [];
  const seqs: number[] = [];
  const starts: number[] = [];
  let at = 0;
  for (const event of events) {
    const text = frameText(event, filter);
    if (text === null) continue;
    texts.push(text);
    seqs.push(event.seq);
    starts.push(at);
    at += Buffer.byteLength(text);
  }
  return { bytes: Buffer.from(texts.join('')), seqs, starts };
}

/** Index of the first kept event after `seq` (`seqs.length` when none). */
export function firstAfter(frames: BatchFrames, seq: number): number {
  let i = 0;
  while (i < frames.seqs.length && frames.seqs[i]! <= seq) i++;
  return i;
}
