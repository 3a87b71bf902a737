import type { ConsumerMessages, JetStreamClient, JsMsg } from '@nats-io/jetstream';

/** What a handler decides; only the loop below acks, naks or terms. */
export type Outcome =
  | { kind: 'ack' }
  | { kind: 'retry'; delayMs: number; reason: string }
  | { kind: 'drop'; reason: string };

export const outcome = {
  ack: (): Outcome => ({ kind: 'ack' }),
  retry: (reason: string, delayMs = 1000): Outcome => ({ kind: 'retry', reason, delayMs }),
  drop: (reason: string): Outcome => ({ kind: 'drop', reason }),
};

export interface ConsumeLoopOptions {
  js: JetStreamClient;
  stream: string;
  durable: string;
  handler: (msg: JsMsg) => Promise<Outcome>;
  /** Messages buffered client-side; keep small so replicas share the work fairly. */
  maxMessages?: number;
  /** Every outcome, for metrics (drops are counted by reason there). */
  onOutcome?: (result: Outcome, msg: JsMsg) => void;
  onError?: (err: unknown) => void;
}

export interface ConsumeLoop {
  /** Stop pulling, let the message in hand finish, then resolve. */
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

/**
 * The one consume loop: pull from a durable consumer, run the handler, settle the message by
 * the outcome. A throwing handler is a retry, never a crash. Re-attaches if the consumer
 * disappears (e.g. a NATS restart with a new store).
 */
export async function startConsumeLoop(options: ConsumeLoopOptions): Promise<ConsumeLoop> {
  const consumer = await options.js.consumers.get(options.stream, options.durable);
  let stopping = false;
  let messages: ConsumerMessages | undefined;

  const run = async () => {
    while (!stopping) {
      messages = await consumer.consume({ max_messages: options.maxMessages ?? 16 });
      for await (const msg of messages) {
        let result: Outcome;
        try {
          result = await options.handler(msg);
        } catch (err) {
          options.onError?.(err);
          result = outcome.retry(`handler threw: ${(err as Error)?.message ?? String(err)}`);
        }
        await settle(msg, result).catch((err) => options.onError?.(err));
        options.onOutcome?.(result, msg);
        if (stopping) break;
      }
    }
  };

  const done = run().catch((err) => {
    if (!stopping) options.onError?.(err);
  });

  return {
    done,
    async stop() {
      stopping = true;
      messages?.stop();
      await done;
    },
  };
}
