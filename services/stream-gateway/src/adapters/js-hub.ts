import { DeliverPolicy, type JetStreamClient } from '@sightline/nats';
import type { Logger } from '@sightline/service-kit';
import { type Decoder, toStreamMessage } from './js-message.js';
import type { StreamPositions } from './stream-positions.js';

export interface HubSubscriber<E> {
  onEvent(event: E): void;
}

export interface JsHubOptions<E> {
  js: JetStreamClient;
  positions: StreamPositions;
  stream: string;
  filter: string;
  decode: Decoder<E>;
  logger: Logger;
  onDrop: (reason: string) => void;
  /** Called once per event after it was handed to every subscriber (metrics). */
  onFanOut?: (event: E, subscribers: number) => void;
}

/**
 * One ordered consumer on a stream filter, shared by every client of this process that watches
 * it. Each message is decoded (and serialised) once, then handed to each subscriber in order.
 *
 * The consumer starts at the stream's last sequence + 1 (what DeliverPolicy.New means, pinned to
 * an exact number): `lastSeq` is then always the position up to which this hub has delivered, so
 * a resuming client replays exactly (its position, lastSeq] and takes the rest from the hub.
 */
export class JsHub<E> {
  readonly subscribers = new Set<HubSubscriber<E>>();
  lastSeq = 0;
  private stopFn: (() => void) | undefined;

  constructor(private readonly options: JsHubOptions<E>) {}

  async start(): Promise<void> {
    const { js, stream, filter } = this.options;
    this.lastSeq = (await this.options.positions.info(stream)).lastSeq;
    const consumer = await js.consumers.get(stream, {
      filter_subjects: filter,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: this.lastSeq + 1,
    });
    const messages = await consumer.consume({
      max_messages: 256,
      callback: (msg) => this.dispatch(toStreamMessage(msg)),
    });
    this.stopFn = () => void messages.stop();
    void messages.closed().then((err) => {
      if (err) this.options.logger.warn({ err, filter }, 'hub consumer ended');
    });
  }

  /** Add a subscriber and return the position it joins at: it gets every event after it. */
  attach(subscriber: HubSubscriber<E>): number {
    this.subscribers.add(subscriber);
    return this.lastSeq;
  }

  detach(subscriber: HubSubscriber<E>): void {
    this.subscribers.delete(subscriber);
  }

  stop(): void {
    this.stopFn?.();
    this.stopFn = undefined;
  }

  private dispatch(msg: ReturnType<typeof toStreamMessage>): void {
    if (msg.seq <= this.lastSeq) return;
    this.lastSeq = msg.seq;
    const decoded = this.options.decode(msg);
    if ('drop' in decoded) {
      this.options.onDrop(decoded.drop);
      return;
    }
    for (const subscriber of this.subscribers) subscriber.onEvent(decoded.event);
    this.options.onFanOut?.(decoded.event, this.subscribers.size);
  }
}
