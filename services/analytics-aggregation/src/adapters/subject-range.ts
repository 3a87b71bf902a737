import {
  AckPolicy,
  DeliverPolicy,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';

export interface SubjectRange {
  stream: string;
  /** Exactly one subject (wildcards allowed): nats-server 2.9 has no `filter_subjects`. */
  filterSubject: string;
  /** Unix ms: messages stored before this are skipped by the server. */
  startTime: number;
  /** Stop after this many messages. */
  limit: number;
}

const FETCH_BATCH = 1000;
const NANOS_PER_MS = 1_000_000;

/**
 * Reads one subject of a stream from a start time, through a short-lived ephemeral pull
 * consumer whose config names a single `filter_subject` explicitly. It does not go through
 * the client's ordered-consumer options (`filter_subjects`), whose translation to the wire
 * decides whether nats-server 2.9 accepts the consumer at all.
 */
export async function readSubjectRange(
  jsm: JetStreamManager,
  js: JetStreamClient,
  range: SubjectRange,
  onMessage: (m: JsMsg) => void,
): Promise<number> {
  const info = await jsm.consumers.add(range.stream, {
    filter_subject: range.filterSubject,
    deliver_policy: DeliverPolicy.StartTime,
    opt_start_time: new Date(range.startTime).toISOString(),
    ack_policy: AckPolicy.None,
    mem_storage: true,
    num_replicas: 1,
    // If this replica dies mid-read, the server removes the consumer by itself.
    inactive_threshold: 30_000 * NANOS_PER_MS,
  });
  let read = 0;
  try {
    const consumer = await js.consumers.get(range.stream, info.name);
    let pending = info.num_pending;
    while (pending > 0 && read < range.limit) {
      const max = Math.min(pending, FETCH_BATCH, range.limit - read);
      const batch = await consumer.fetch({ max_messages: max, expires: 2000 });
      let received = 0;
      for await (const m of batch) {
        received++;
        read++;
        pending = m.info.pending;
        onMessage(m);
      }
      if (received === 0) break;
    }
  } finally {
    await jsm.consumers.delete(range.stream, info.name).catch(() => undefined);
  }
  return read;
}
