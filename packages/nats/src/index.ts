export { connectNats, type ConnectOptions } from './connect.js';
export {
  JetStreamUnavailableError,
  manager,
  provisionAll,
  provisionBuckets,
  provisionConsumer,
  provisionStreams,
} from './provision.js';
export { publishBytes, publishJson, type PublishOptions } from './publish.js';
export { type ConsumeLoop, type ConsumeLoopOptions, type Outcome, outcome, startConsumeLoop } from './consume.js';
export { JsonBucket } from './kv.js';
export { jetstream, type JetStreamClient, type JsMsg, DeliverPolicy } from '@nats-io/jetstream';
export type { NatsConnection, Msg, MsgHdrs } from '@nats-io/nats-core';
export { headers } from '@nats-io/nats-core';
