import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  type JetStreamManager,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
} from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { type NatsConnection, nanos } from '@nats-io/nats-core';
import { buckets, type ConsumerSpec, type StreamSpec, streams } from '@sightline/contracts';

export class JetStreamUnavailableError extends Error {
  constructor(cause: unknown) {
    super(
      `NATS server has no JetStream (start it with "nats-server -js" or enable jetstream in its config): ${String(cause)}`,
    );
    this.name = 'JetStreamUnavailableError';
  }
}

export async function manager(nc: NatsConnection): Promise<JetStreamManager> {
  try {
    return await jetstreamManager(nc);
  } catch (err) {
    throw new JetStreamUnavailableError(err);
  }
}

function streamConfig(spec: StreamSpec): Partial<StreamConfig> & { name: string } {
  return {
    name: spec.name,
    subjects: spec.subjects,
    retention: RetentionPolicy.Limits,
    storage: spec.storage === 'file' ? StorageType.File : StorageType.Memory,
    discard: spec.discard === 'old' ? DiscardPolicy.Old : DiscardPolicy.New,
    max_age: nanos(spec.maxAgeMs),
    max_msgs_per_subject: spec.maxMsgsPerSubject,
    duplicate_window: nanos(spec.duplicateWindowMs),
    ...(spec.maxMsgSize ? { max_msg_size: spec.maxMsgSize } : {}),
  };
}

/** Create each stream, or bring an existing one to the spec. Safe to run from every replica. */
export async function provisionStreams(
  nc: NatsConnection,
  specs: readonly StreamSpec[] = Object.values(streams),
): Promise<void> {
  const jsm = await manager(nc);
  for (const spec of specs) {
    const config = streamConfig(spec);
    try {
      await jsm.streams.info(spec.name);
      await jsm.streams.update(spec.name, config);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      try {
        await jsm.streams.add(config);
      } catch (addErr) {
        // Another replica created it between our info and add.
        if (!String(addErr).includes('already in use')) throw addErr;
      }
    }
  }
}

/** Durable pull consumer with explicit acks, created or updated to the spec. */
export async function provisionConsumer(nc: NatsConnection, spec: ConsumerSpec): Promise<void> {
  const jsm = await manager(nc);
  const config = {
    durable_name: spec.durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: nanos(spec.ackWaitMs),
    max_deliver: spec.maxDeliver,
    max_ack_pending: spec.maxAckPending,
    ...(spec.filterSubjects.length === 1
      ? { filter_subject: spec.filterSubjects[0] }
      : { filter_subjects: spec.filterSubjects }),
  };
  try {
    await jsm.consumers.info(spec.stream, spec.durable);
    await jsm.consumers.update(spec.stream, spec.durable, config);
  } catch (err) {
    if (!isNotFound(err)) throw err;
    await jsm.consumers.add(spec.stream, config);
  }
}

/** KV buckets of the control plane. History 5 so a watcher sees recent changes. */
export async function provisionBuckets(
  nc: NatsConnection,
  names: readonly string[] = Object.values(buckets),
): Promise<void> {
  await manager(nc);
  const kvm = new Kvm(nc);
  for (const name of names) {
    await kvm.create(name, { history: 5 });
  }
}

/** Everything the platform needs; each service calls this at start so start order is free. */
export async function provisionAll(nc: NatsConnection): Promise<void> {
  await provisionStreams(nc);
  await provisionBuckets(nc);
}

function isNotFound(err: unknown): boolean {
  const text = String((err as Error)?.message ?? err);
  return /not found/i.test(text);
}
