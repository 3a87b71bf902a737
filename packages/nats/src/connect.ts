import { connect, type NatsConnection } from '@nats-io/transport-node';

export interface ConnectOptions {
  url: string;
  /** Connection name, shown by the server's monitoring: the service name. */
  name: string;
  user?: string;
  pass?: string;
  /** Called for each reconnect/disconnect so services can log and mark readiness. */
  onStatus?: (event: { type: string; data?: unknown }) => void;
}

/**
 * Connect and keep reconnecting forever: a service must survive a NATS restart by itself.
 * `waitOnFirstConnect` makes the first connect retry too, so start order does not matter.
 */
export async function connectNats(options: ConnectOptions): Promise<NatsConnection> {
  const nc = await connect({
    servers: options.url.split(','),
    name: options.name,
    user: options.user,
    pass: options.pass,
    waitOnFirstConnect: true,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    pingInterval: 10_000,
    // Each request (a JetStream publish is one) would otherwise make an Error just for its stack:
    // ~0.25 ms of the inference worker's main thread a frame, for traces our logs never print.
    noAsyncTraces: true,
  });
  if (options.onStatus) {
    const onStatus = options.onStatus;
    void (async () => {
      for await (const s of nc.status()) onStatus({ type: s.type, data: 'data' in s ? s.data : undefined });
    })();
  }
  return nc;
}
