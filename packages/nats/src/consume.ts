import type { ConsumerMessages, JetStreamClient, JsMsg } from '@nats-io/jetstream';

/** What a handler decides; only the loop below acks, naks or terms. */
export type Outcome =
  | { kind: 'ack' }
  | { kind: 'retry'; delayMs: number; reason: string }
  | { kind: 'drop'; reason: string };

/**
 * The outcome is known later (the handler waits on slow I/O for this message): the loop goes on
 * pulling and settles the message when `settled` resolves, so one slow message does not hold up
 * the others. The handler keeps whatever ordering its messages need among themselves.
 */
export interface DeferredOutcome {
  kind: 'deferred';
  settled: Promise<Outcome>;
  /**
   * Resolves when the message's heavy work is done and it only waits to be published or settled:
   * its working slot (`maxDeferred`) is free from then, so the next message starts without waiting
   * on those round trips. Until settled it still counts against `maxUnsettled`.
   */
  freed?: Promise<void>;
}

export const outcome = {
  ack: (): Outcome => ({ kind: 'ack' }),
  retry: (reason: string, delayMs = 1000): Outcome => ({ kind: 'retry', reason, delayMs }),
  drop: (reason: string): Outcome => ({ kind: 'drop', reason }),
  deferred: (settled: Promise<Outcome>, freed?: Promise<void>): DeferredOutcome =>
    freed ? { kind: 'deferred', settled, freed } : { kind: 'deferred', settled },
};

export interface ConsumeLoopOptions {
  js: JetStreamClient;
  stream: string;
  durable: string;
  handler: (msg: JsMsg) => Promise<Outcome | DeferredOutcome>;
  /** Messages buffered client-side; keep small so replicas share the work fairly. */
  maxMessages?: number;
  /**
   * Deferred messages at work at once before the loop waits for one (default 32): unsettled and not
   * yet `freed`. Keep it under the consumer's max_ack_pending, and their work under its ack wait.
   */
  maxDeferred?: number;
  /** Deferred messages unsettled at once, freed or not (default 4 × maxDeferred; ≤ max_ack_pending). */
  maxUnsettled?: number;
  /** Every outcome, for metrics (drops are counted by reason there). */
  onOutcome?: (result: Outcome, msg: JsMsg) => void;
  onError?: (err: unknown) => void;
}

export interface ConsumeLoop {
  /** Stop pulling, let the message in hand (and every deferred one) finish, then resolve. */
  stop(): Promise<void>;
  /** Resolves when the loop ends. */
  done: Promise<void>;
}

async function settle(msg: JsMsg, result: Outcome): Promise<void> {
  if (result.kind === 'ack') await msg.ackAck().catch(() => msg.ack());
  else if (result.kind === 'retry') msg.nak(result.delayMs);
  // No reason on the wire: nats-server before 2.10 does not parse `+TERM <reason>` as a term, so
  // the message stayed unacked, was redelivered and filled max_ack_pending. The reason is counted
  // by the caller's metrics (onOutcome) instead.
  else msg.term();
}

async function runHandler(options: ConsumeLoopOptions, msg: JsMsg): Promise<Outcome | DeferredOutcome> {
  try {
    return await options.handler(msg);
  } catch (err) {
    options.onError?.(err);
    return outcome.retry(`handler threw: ${(err as Error)?.message ?? String(err)}`);
  }
}

/**
 * The one consume loop: pull from a durable consumer, run the handler, settle the message by
 * the outcome. A throwing handler is a retry, never a crash. Re-attaches if the consumer
 * disappears (e.g. a NATS restart with a new store).
 */
export async function startConsumeLoop(options: ConsumeLoopOptions): Promise<ConsumeLoop> {
  const consumer = await options.js.consumers.get(options.stream, options.durable);
  const maxDeferred = options.maxDeferred ?? 32;
  const maxUnsettled = Math.max(maxDeferred, options.maxUnsettled ?? 4 * maxDeferred);
  // Each deferred message is in `unsettled` until settled and in `working` until freed or settled.
  const unsettled = new Set<Promise<void>>();
  const working = new Set<Promise<void>>();
  let stopping = false;
  let messages: ConsumerMessages | undefined;

  const finish = async (msg: JsMsg, result: Outcome) => {
    await settle(msg, result).catch((err) => options.onError?.(err));
    options.onOutcome?.(result, msg);
  };
  const finishLater = (msg: JsMsg, { settled, freed }: DeferredOutcome) => {
    const done: Promise<void> = settled
      .catch((err: unknown) => {
        options.onError?.(err);
        return outcome.retry(`deferred outcome failed: ${(err as Error)?.message ?? String(err)}`);
      })
      .then((result) => finish(msg, result))
      .finally(() => unsettled.delete(done));
    unsettled.add(done);
    const free: Promise<void> = Promise.race([done, freed?.catch(() => undefined) ?? done]).finally(() =>
      working.delete(free),
    );
    working.add(free);
  };
  const full = () => working.size >= maxDeferred || unsettled.size >= maxUnsettled;

  const run = async () => {
    while (!stopping) {
      messages = await consumer.consume({ max_messages: options.maxMessages ?? 16 });
      for await (const msg of messages) {
        const result = await runHandler(options, msg);
        if (result.kind === 'deferred') finishLater(msg, result);
        else await finish(msg, result);
        while (full()) await Promise.race([...working, ...unsettled]);
        if (stopping) break;
      }
    }
  };

  const done = run()
    .catch((err) => {
      if (!stopping) options.onError?.(err);
    })
    .then(() => Promise.all(unsettled))
    .then(() => undefined);

  return {
    done,
    async stop() {
      stopping = true;
      messages?.stop();
      await done;
    },
  };
}
