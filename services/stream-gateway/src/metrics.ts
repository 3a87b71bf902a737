import { Counter, Gauge, Histogram, metricPrefix, type Registry } from '@sightline/service-kit';

const p = metricPrefix('stream-gateway');

export type Transport = 'sse' | 'ws_live' | 'ws_labels' | 'ws_label_stream' | 'ws_events';

/**
 * The gateway's metrics. Per-event counts are plain numbers added on the hot path and handed to
 * prom-client when scraped, so 10,000 clients cost no label lookups per write.
 */
export function createGatewayMetrics(registry: Registry) {
  const delivered = new Map<Transport, number>();
  const deliveredCounter = new Counter({
    name: `${p}events_delivered_total`,
    help: 'Events written to clients, by transport',
    labelNames: ['transport'],
    registers: [registry],
    collect() {
      for (const [transport, n] of delivered) this.inc({ transport }, n);
      delivered.clear();
    },
  });
  void deliveredCounter;
  return {
    connections: new Gauge({
      name: `${p}connections`,
      help: 'Open client connections, by transport',
      labelNames: ['transport'],
      registers: [registry],
    }),
    delivered: (transport: Transport, n = 1) => delivered.set(transport, (delivered.get(transport) ?? 0) + n),
    latency: new Histogram({
      name: `${p}delivery_latency_seconds`,
      help: 'Event stored in JetStream (or published, for live frames) → written to the last client of its fan-out',
      labelNames: ['transport'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    slowClients: new Counter({
      name: `${p}slow_client_total`,
      help: 'Slow clients: SSE disconnects and dropped live frames',
      labelNames: ['transport', 'action'],
      registers: [registry],
    }),
    disconnects: new Counter({
      name: `${p}disconnects_total`,
      help: 'Connections ended, by transport and reason',
      labelNames: ['transport', 'reason'],
      registers: [registry],
    }),
    rejected: new Counter({
      name: `${p}rejected_total`,
      help: 'Stream requests refused, by reason',
      labelNames: ['reason'],
      registers: [registry],
    }),
    replayDepth: new Histogram({
      name: `${p}replay_depth_events`,
      help: 'Stored events replayed on one resume',
      buckets: [0, 1, 10, 100, 1000, 10_000, 100_000],
      registers: [registry],
    }),
    resets: new Counter({
      name: `${p}resets_total`,
      help: 'Resumes from a position older than retention (event: reset sent)',
      registers: [registry],
    }),
    drops: new Counter({
      name: `${p}dropped_messages_total`,
      help: 'Stream messages not delivered to anyone, by reason',
      labelNames: ['reason'],
      registers: [registry],
    }),
    hubs: new Gauge({
      name: `${p}subscriptions`,
      help: 'Shared NATS subscriptions (hubs) open in this process, by kind',
      labelNames: ['kind'],
      registers: [registry],
    }),
  };
}

export type GatewayMetrics = ReturnType<typeof createGatewayMetrics>;
