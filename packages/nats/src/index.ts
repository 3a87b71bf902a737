export { AckPolicy, DeliverPolicy, type JetStreamClient, type JsMsg, jetstream } from '@nats-io/jetstream';
export type { Msg, MsgHdrs, NatsConnection } from '@nats-io/nats-core';
export { headers } from '@nats-io/nats-core';
export { type ConnectOptions, connectNats } from './connect.js';
export {
  type ConsumeLoop,
  type ConsumeLoopOptions,
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
  provisionStreams,
} from './provision.js';
export { type PublishOptions, publishBytes, publishJson } from './publish.js';
