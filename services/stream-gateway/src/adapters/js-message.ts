import type { JsMsg } from '@sightline/nats';

/** What the gateway keeps of a JetStream message: its stream position, subject, body and time. */
export interface StreamMessage {
  seq: number;
  subject: string;
  data: Uint8Array;
  /** When JetStream stored it, Unix ms: the "event time" of the delivery latency histogram. */
  storedAtMs: number;
}

export function toStreamMessage(msg: JsMsg): StreamMessage {
  return {
    seq: msg.seq,
    subject: msg.subject,
    data: msg.data,
    storedAtMs: Number(msg.info.timestampNanos) / 1e6,
  };
}

/** Turns a stored message into the event a hub fans out, or a drop reason. */
export type Decoder<E> = (msg: StreamMessage) => { event: E } | { drop: string };
