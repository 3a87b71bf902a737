import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  type JetStreamManager,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
  type StreamInfo,
} from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { type NatsConnection, nanos } from '@nats-io/nats-core';
import {
  type BucketName,
  buckets,
  bucketTtlMs,
  type ConsumerSpec,
  ensuredConsumers,
  type StreamSpec,
  streams,
} from '@sightline/contracts';
import { addStream, replaceStream, type StreamReplacement } from './replace-stream.js';

export type { StreamReplacement };

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

type Config = Partial<StreamConfig> & { name: string };

function streamConfig(spec: StreamSpec): Config {
  return {
    name: spec.name,
    // A mirror takes its messages from its origin: it has no subjects and no dedupe of its own.
    ...(spec.mirrorOf
      ? { mirror: { name: spec.mirrorOf } }
      : { subjects: spec.subjects, duplicate_window: nanos(spec.duplicateWindowMs) }),
    retention: spec.retention === 'interest' ? RetentionPolicy.Interest : RetentionPolicy.Limits,
    storage: spec.storage === 'file' ? StorageType.File : StorageType.Memory,
    discard: spec.discard === 'old' ? DiscardPolicy.Old : DiscardPolicy.New,
    ...(spec.discardNewPerSubject ? { discard_new_per_subject: true } : {}),
    max_age: nanos(spec.maxAgeMs),
    max_msgs_per_subject: spec.maxMsgsPerSubject,
    ...(spec.maxMsgSize ? { max_msg_size: spec.maxMsgSize } : {}),
  };
}

/** Why an existing stream cannot be brought to the spec in place, or undefined if it can. */
function incompatibility(existing: StreamInfo, config: Config, replacedNow: Set<string>): string | undefined {
  if (existing.config.retention !== config.retention)
    return `retention ${existing.config.retention} → ${config.retention}`;
  const mirrorNow = existing.config.mirror?.name;
  if (mirrorNow !== config.mirror?.name)
    return `mirror of ${mirrorNow ?? 'nothing'} → ${config.mirror?.name ?? 'nothing'}`;
  // A mirror follows its origin's sequence numbers; a re-created origin starts again at 1.
  if (mirrorNow && replacedNow.has(mirrorNow)) return `its origin ${mirrorNow} was re-created`;
  return undefined;
}

/**
 * Create each stream, or bring an existing one to the spec. Safe to run from every replica.
 * What NATS cannot change in place (retention, mirror) makes a `replaceable` stream be
 * re-created (replace-stream.ts) and reported; any other stream fails clearly.
 */
export async function provisionStreams(
  nc: NatsConnection,
  specs: readonly StreamSpec[] = Object.values(streams),
): Promise<StreamReplacement[]> {
  const jsm = await manager(nc);
  const reports: StreamReplacement[] = [];
  const replacedNow = new Set<string>();
  for (const spec of specs) {
    const report = await provisionStream(jsm, spec, replacedNow);
    if (!report) continue;
    reports.push(report);
    if (report.done) replacedNow.add(spec.name);
  }
  return reports;
}

async function provisionStream(
  jsm: JetStreamManager,
  spec: StreamSpec,
  replacedNow: Set<string>,
): Promise<StreamReplacement | undefined> {
  const config = streamConfig(spec);
  const existing = await jsm.streams.info(spec.name).catch((err: unknown) => {
    if (isNotFound(err)) return undefined;
    throw err;
  });
  if (!existing) return void (await addStream(jsm, config));
  const reason = incompatibility(existing, config, replacedNow);
  if (!reason) return void (await jsm.streams.update(spec.name, config));
  if (!spec.replaceable) {
    throw new Error(
      `stream ${spec.name} differs from its spec in a way NATS cannot change in place (${reason}); ` +
        'migrate it by hand (docs/reliability.md)',
    );
  }
  return replaceStream(jsm, config, reason);
}

/**
 * Durable consumers the contracts want to exist as soon as their stream does (FRAMES' interest
 * retention keeps a frame only while `inference` exists). Users the deploy config does not let
 * create them (chat, gateway, analytics) skip them: ingest and inference provision them too.
 */
export async function provisionEnsuredConsumers(
  nc: NatsConnection,
  specs: readonly ConsumerSpec[] = ensuredConsumers,
): Promise<void> {
  for (const spec of specs) {
    await provisionConsumer(nc, spec).catch((err: unknown) => {
      if (!/permission/i.test(String((err as Error)?.message ?? err))) throw err;
    });
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

/**
 * KV buckets of the control plane. History 5 so a watcher sees recent changes; buckets listed in
 * `bucketTtlMs` get that max age (applied when the bucket is created; an existing one is kept).
 */
export async function provisionBuckets(
  nc: NatsConnection,
  names: readonly string[] = Object.values(buckets),
): Promise<void> {
  await manager(nc);
  const kvm = new Kvm(nc);
  for (const name of names) {
    const ttl = bucketTtlMs[name as BucketName];
    await kvm.create(name, { history: 5, ...(ttl ? { ttl } : {}) });
  }
}

/**
 * Everything the platform needs; each service calls this at start so start order is free.
 * Returns the streams it had to re-create or could not (normally none), for the caller to log.
 */
export async function provisionAll(nc: NatsConnection): Promise<StreamReplacement[]> {
  const replaced = await provisionStreams(nc);
  await provisionEnsuredConsumers(nc);
  await provisionBuckets(nc);
  return replaced;
}

function isNotFound(err: unknown): boolean {
  const text = String((err as Error)?.message ?? err);
  return /not found/i.test(text);
}
