import type { JetStreamClient, PubAck } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/nats-core';

export interface PublishOptions {
  /** Nats-Msg-Id: a repeat within the stream's duplicate window is stored once. */
  msgId: string;
  headers?: Record<string, string>;
  /** Fail instead of storing when the last sequence differs (rarely needed). */
  timeoutMs?: number;
}

const encoder = new TextEncoder();

/** JetStream's err_code for "maximum messages per subject exceeded" (discard new per subject). */
const SUBJECT_FULL_ERR_CODE = 10077;

/**
 * True when a publish was refused because its subject already holds the stream's
 * max_msgs_per_subject (a stream with discard new per subject, such as FRAMES). Matched by name
 * and code rather than instanceof, so a second copy of @nats-io/jetstream still matches.
 */
export function isSubjectFull(err: unknown): boolean {
  const e = err as { name?: unknown; code?: unknown } | undefined;
  return e?.name === 'JetStreamApiError' && e.code === SUBJECT_FULL_ERR_CODE;
}

export async function publishBytes(
  js: JetStreamClient,
  subject: string,
  data: Uint8Array,
  options: PublishOptions,
): Promise<PubAck> {
  const h = natsHeaders();
  for (const [k, v] of Object.entries(options.headers ?? {})) h.set(k, v);
  return js.publish(subject, data, {
    msgID: options.msgId,
    headers: h,
    timeout: options.timeoutMs ?? 10_000,
  });
}

/** Publish a JSON message. The caller validates it against its contract schema first. */
export async function publishJson<T>(
  js: JetStreamClient,
  subject: string,
  value: T,
  options: PublishOptions,
): Promise<PubAck> {
  return publishBytes(js, subject, encoder.encode(JSON.stringify(value)), options);
}
