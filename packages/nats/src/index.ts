export { AckPolicy, DeliverPolicy, type JetStreamClient, type JsMsg, jetstream } from '@nats-io/jetstream';
export type { Msg, MsgHdrs, NatsConnection } from '@nats-io/nats-core';
export { headers } from '@nats-io/nats-core';
export { type ConnectOptions, connectNats } from './connect.js';
export {
  type ConsumeLoop,
  type ConsumeLoopOptions,
  type DeferredOutcome,
  type Outcome,
  outcome,
  startConsumeLoop,
} from './consume.js';
export { JsonBucket } from './kv.js';
export {
  JetStreamUnavailableError,
  manager,
  provisionAll,
  provisionBuckets,
  provisionConsumer,
  provisionEnsuredConsumers,
  provisionStreams,
  type StreamReplacement,
} from './provision.js';
export { isSubjectFull, type PublishOptions, publishBytes, publishJson } from './publish.js';
