import { consumers, streams } from '@sightline/contracts';
import type { JetStreamClient } from '@sightline/nats';

export interface FrameDrain {
  /** Frames taken off FRAMES so far. */
  acked(): number;
  stop(): Promise<void>;
}

/**
 * Stand-in for inference where a test runs none: acks every frame through inference's own
 * durable consumer (which provisioning creates, and for which FRAMES keeps its frames), so each
 * device's backlog is freed as inference would free it.
 */
export async function startFrameDrain(js: JetStreamClient): Promise<FrameDrain> {
  const consumer = await js.consumers.get(streams.frames.name, consumers.inference.durable);
  const messages = await consumer.consume({ max_messages: 64 });
  let acked = 0;
  const done = (async () => {
    for await (const msg of messages) {
      msg.ack();
      acked++;
    }
  })();
  return {
    acked: () => acked,
    async stop() {
      messages.stop();
      await done;
    },
  };
}
