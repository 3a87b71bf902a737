import type { ConsumerConfig, ConsumerInfo, JetStreamManager, StreamConfig } from '@nats-io/jetstream';

type Config = Partial<StreamConfig> & { name: string };

/** What re-creating a stream did or would cost, for the caller to log: it happens once, on an upgrade. */
export interface StreamReplacement {
  stream: string;
  /** What differed, e.g. `retention limits → interest`. */
  reason: string;
  /**
   * False when this NATS user may not delete streams (the shipped accounts allow it to admin
   * only): the old stream is left as it was, working as before, until an admin provisions.
   */
  done: boolean;
  error?: string;
  /** Messages the old stream held (with retention limits, acked ones included). */
  messagesDeleted: number;
  /** Of those, messages its durable consumers had not acked yet: work lost with the old stream. */
  unconsumedDeleted: number;
  consumersRecreated: string[];
  /** Durable consumers that could not be re-created (e.g. not allowed on the new settings). */
  consumersLost: string[];
}

/** Add a stream; another replica creating it between our info and add is fine. */
export async function addStream(jsm: JetStreamManager, config: Config): Promise<void> {
  try {
    await jsm.streams.add(config);
  } catch (err) {
    if (!String(err).includes('already in use')) throw err;
  }
}

async function durableConsumers(jsm: JetStreamManager, stream: string): Promise<ConsumerInfo[]> {
  const out: ConsumerInfo[] = [];
  for await (const c of jsm.consumers.list(stream)) if (c.config.durable_name) out.push(c);
  return out;
}

async function recreateConsumers(jsm: JetStreamManager, stream: string, durables: ConsumerInfo[]) {
  const recreated: string[] = [];
  const lost: string[] = [];
  for (const consumer of durables) {
    const name = consumer.config.durable_name ?? consumer.name;
    const settings: Partial<ConsumerConfig> = { ...consumer.config };
    await jsm.consumers.add(stream, settings).then(
      () => recreated.push(name),
      () => lost.push(name),
    );
  }
  return { recreated, lost };
}

/**
 * Delete a stream and create it with `config` (for a setting NATS cannot change in place), then
 * re-create its durable consumers so running workers re-attach (the consume loop pulls by
 * durable name). When the delete is refused, nothing has changed and that is reported instead.
 */
export async function replaceStream(
  jsm: JetStreamManager,
  config: Config,
  reason: string,
): Promise<StreamReplacement> {
  const before = await jsm.streams.info(config.name);
  const durables = await durableConsumers(jsm, config.name);
  const report = {
    stream: config.name,
    reason,
    messagesDeleted: before.state.messages,
    unconsumedDeleted: durables.reduce((n, c) => n + c.num_pending + c.num_ack_pending, 0),
  };
  try {
    await jsm.streams.delete(config.name);
  } catch (err) {
    const error = String((err as Error)?.message ?? err);
    return {
      ...report,
      done: false,
      error,
      messagesDeleted: 0,
      unconsumedDeleted: 0,
      consumersRecreated: [],
      consumersLost: [],
    };
  }
  await addStream(jsm, config);
  const { recreated, lost } = await recreateConsumers(jsm, config.name, durables);
  return { ...report, done: true, consumersRecreated: recreated, consumersLost: lost };
}
