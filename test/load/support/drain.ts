import { consumers, streams } from '@sightline/contracts';
import { manager, type NatsConnection } from '@sightline/nats';
import { waitFor } from '@sightline/testing';

/** What each pipeline consumer still holds: `name: pending/unacked`. */
export async function consumerBacklog(nc: NatsConnection): Promise<string[]> {
  const jsm = await manager(nc);
  const frames = await jsm.consumers.info(streams.frames.name, consumers.inference.durable);
  const detections = await jsm.consumers.list(streams.detections.name).next();
  return [frames, ...detections]
    .filter((c) => c.num_pending > 0 || c.num_ack_pending > 0)
    .map((c) => `${c.name}: ${c.num_pending}/${c.num_ack_pending}`);
}

/** Wait until no pipeline consumer holds anything and the count of results stops moving. */
export async function waitForPipelineDrain(nc: NatsConnection, resultCount: () => number): Promise<void> {
  let last = -1;
  let backlog: string[] = [];
  await waitFor(
    async () => {
      backlog = await consumerBacklog(nc);
      const settled = backlog.length === 0 && resultCount() === last;
      last = resultCount();
      return settled;
    },
    { timeoutMs: 120_000, intervalMs: 1000, what: 'the pipeline to drain' },
  ).catch((err: Error) => {
    throw new Error(`${err.message}; still held: ${backlog.join(', ')}; results ${resultCount()}`);
  });
}
