import { DeliverPolicy, type JetStreamClient, type JsMsg } from '@sightline/nats';

const HARD_CAP = 20_000;

export interface RecentOptions {
  stream: string;
  filter: string;
  sinceMs: number;
  /** Messages read at most; the newest ones win when there are more. */
  scanMax: number;
}

/**
 * Messages of a stream on one subject filter since a time, oldest first, through an ephemeral
 * ordered consumer: reads never create durable state on the server.
 */
export async function readRecent(js: JetStreamClient, o: RecentOptions): Promise<JsMsg[]> {
  const consumer = await js.consumers.get(o.stream, {
    filter_subjects: o.filter,
    deliver_policy: DeliverPolicy.StartTime,
    opt_start_time: new Date(o.sinceMs).toISOString(),
  });
  const pending = (await consumer.info(true)).num_pending;
  if (pending === 0) return [];
  const out: JsMsg[] = [];
  // Older messages beyond the hard cap are skipped: narrow `sinceMs` to reach them.
  const batch = await consumer.fetch({ max_messages: Math.min(pending, HARD_CAP), expires: 5000 });
  for await (const m of batch) {
    out.push(m);
    if (out.length > o.scanMax) out.shift();
    if (m.info.pending === 0) break;
  }
  return out;
}
