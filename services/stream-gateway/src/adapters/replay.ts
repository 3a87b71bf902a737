import { DeliverPolicy, type JetStreamClient } from '@sightline/nats';
import { type Decoder, toStreamMessage } from './js-message.js';

export interface ReplayOptions<E> {
  js: JetStreamClient;
  stream: string;
  filter: string;
  /** First sequence to read. */
  from: number;
  /** Last sequence to read: the hub's position when the client attached. */
  until: number;
  decode: Decoder<E>;
  onEvent: (event: E) => void;
  onDrop: (reason: string) => void;
  /** Stop early (the client went away). */
  cancelled: () => boolean;
}

/**
 * Read the stored events in [from, until] of a filter through an ordered consumer, in order.
 * The consumer's pending count at creation bounds the read, so an empty range ends at once.
 * Returns how many messages were read.
 */
export async function replayRange<E>(options: ReplayOptions<E>): Promise<number> {
  const { js, stream, filter, from, until } = options;
  if (from > until) return 0;
  const consumer = await js.consumers.get(stream, {
    filter_subjects: filter,
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: from,
  });
  let read = 0;
  try {
    const pending = (await consumer.info(true)).num_pending;
    if (pending === 0) return 0;
    const messages = await consumer.consume({ max_messages: Math.min(pending, 512) });
    for await (const raw of messages) {
      if (options.cancelled() || raw.seq > until) break;
      read++;
      const decoded = options.decode(toStreamMessage(raw));
      if ('drop' in decoded) options.onDrop(decoded.drop);
      else options.onEvent(decoded.event);
      if (raw.seq >= until || read >= pending) break;
    }
    messages.stop();
    return read;
  } finally {
    await consumer.delete().catch(() => undefined);
  }
}
