import { DeliverPolicy, type JetStreamClient } from '@sightline/nats';
import type { Logger } from '@sightline/service-kit';
import { type Decoder, type StreamMessage, toStreamMessage } from './js-message.js';
import type { StreamPositions } from './stream-positions.js';

/**
 * The events a hub received in one turn of the event loop, in sequence order, handed to every
 * subscriber at once. What subscribers derive from it (a filter's concatenated SSE frames) is
 * built once per key with `shared` and reused by every subscriber of the hub; it goes away with
 * the batch.
 */
export class EventBatch<E extends { seq: number }> {
  private readonly memo = new Map<string, unknown>();

  constructor(readonly events: readonly E[]) {}

  get lastSeq(): number {
    return this.events[this.events.length - 1]?.seq ?? 0;
  }

  /** `build(events)` the first time a key is asked for, the same value after that. */
  shared<T>(key: string, build: (events: readonly E[]) => T): T {
    if (this.memo.has(key)) return this.memo.get(key) as T;
    const value = build(this.events);
    this.memo.set(key, value);
    return value;
  }
}

export interface HubSubscriber<E extends { seq: number }> {
  onBatch(batch: EventBatch<E>): void;
}

export interface JsHubOptions<E> {
  js: JetStreamClient;
  positions: StreamPositions;
  stream: string;
  filter: string;
  decode: Decoder<E>;
  logger: Logger;
  onDrop: (reason: string) => void;
  /** Batches go out at most this often (ms); 0: at the end of every turn that received events. */
  minBatchIntervalMs?: number;
  /** Called once per event after its batch was handed to every subscriber (metrics). */
  onFanOut?: (event: E, subscribers: number) => void;
}

/**
 * One ordered consumer on a stream filter, shared by every client of this process that watches
 * it. Each message is decoded (and serialised) once. The events received in one turn of the event
 * loop are handed to each subscriber as one batch, at the end of the turn (`setImmediate`), so a
 * client gets one write per turn however many events arrived in it; with `minBatchIntervalMs`,
 * batches also go out at most once per that interval.
 *
 * The consumer starts at the stream's last sequence + 1 (what DeliverPolicy.New means, pinned to
 * an exact number): `lastSeq` is then always the position up to which this hub has handed events
 * to its subscribers, so a resuming client replays exactly (its position, lastSeq] and takes the
 * rest (the batch not yet handed out included) from the hub.
 */
export class JsHub<E extends { seq: number }> {
  readonly subscribers = new Set<HubSubscriber<E>>();
  /** Every event up to here was handed to the subscribers of its time. */
  lastSeq = 0;
  /** The last sequence received (decoded or dropped), possibly not handed out yet. */
  private receivedSeq = 0;
  private pending: E[] = [];
  private flushing:
    | { kind: 'immediate'; handle: NodeJS.Immediate }
    | { kind: 'timer'; handle: NodeJS.Timeout }
    | undefined;
  private lastFlushAt = Number.NEGATIVE_INFINITY;
  private stopFn: (() => void) | undefined;

  constructor(private readonly options: JsHubOptions<E>) {}

  async start(): Promise<void> {
    const { js, stream, filter } = this.options;
    this.lastSeq = (await this.options.positions.info(stream)).lastSeq;
    this.receivedSeq = this.lastSeq;
    const consumer = await js.consumers.get(stream, {
      filter_subjects: filter,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: this.lastSeq + 1,
    });
    const messages = await consumer.consume({
      max_messages: 256,
      callback: (msg) => this.receive(toStreamMessage(msg)),
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

  /** The events received but not handed out yet: the next batch, in sequence order. */
  upcoming(): readonly E[] {
    return this.pending;
  }

  detach(subscriber: HubSubscriber<E>): void {
    this.subscribers.delete(subscriber);
  }

  stop(): void {
    this.stopFn?.();
    this.stopFn = undefined;
    this.cancelFlush();
    this.pending = [];
  }

  /** One stored message, from the consumer (public for tests): queued for this turn's batch. */
  receive(msg: StreamMessage): void {
    if (msg.seq <= this.receivedSeq) return;
    this.receivedSeq = msg.seq;
    const decoded = this.options.decode(msg);
    if ('drop' in decoded) {
      this.options.onDrop(decoded.drop);
      // Nothing waits before it: the position moves now (else with the batch it follows).
      if (this.pending.length === 0) this.lastSeq = msg.seq;
      return;
    }
    this.pending.push(decoded.event);
    if (!this.flushing) this.scheduleFlush();
  }

  /**
   * At the end of this turn, or, when the last batch went out less than `minBatchIntervalMs` ago,
   * once that interval has passed: a busy stream then reaches each client in at most one write per
   * interval, however evenly its events arrive, and a quiet one still goes out at once.
   */
  private scheduleFlush(): void {
    const wait = this.lastFlushAt + (this.options.minBatchIntervalMs ?? 0) - performance.now();
    this.flushing =
      wait >= 1
        ? { kind: 'timer', handle: setTimeout(() => this.flush(), wait) }
        : { kind: 'immediate', handle: setImmediate(() => this.flush()) };
  }

  private cancelFlush(): void {
    if (this.flushing?.kind === 'timer') clearTimeout(this.flushing.handle);
    if (this.flushing?.kind === 'immediate') clearImmediate(this.flushing.handle);
    this.flushing = undefined;
  }

  private flush(): void {
    this.flushing = undefined;
    this.lastFlushAt = performance.now();
    const events = this.pending;
    this.pending = [];
    this.lastSeq = this.receivedSeq;
    if (events.length === 0) return;
    const batch = new EventBatch(events);
    for (const subscriber of this.subscribers) subscriber.onBatch(batch);
    const n = this.subscribers.size;
    for (const event of events) this.options.onFanOut?.(event, n);
  }
}
