import { ControlPlane } from '@sightline/auth';
import { buckets } from '@sightline/contracts';
import { JsonBucket } from '@sightline/nats';
import { createHttpServer, type ServiceApp, type ServiceRuntime } from '@sightline/service-kit';
import { AnalysisStreams } from './adapters/analysis-streams.js';
import { ConnectionSlots } from './adapters/connection-slots.js';
import { Principals } from './adapters/principals.js';
import { StreamPositions } from './adapters/stream-positions.js';
import { TicketStore } from './adapters/ticket-store.js';
import type { GatewayConfig } from './config.js';
import { sseAnalysisRoutes } from './handlers/sse-analysis.js';
import { streamTicketRoutes } from './handlers/stream-tickets.js';
import { createGatewayMetrics } from './metrics.js';

/**
 * The public edge: SSE and WebSocket streams over the NATS streams. Each route family is its own
 * plugin in handlers/, so the control-plane REST API (issue 7) registers beside them.
 */
export async function buildApp(runtime: ServiceRuntime, config: GatewayConfig): Promise<ServiceApp> {
  const { nc, js, logger, registry } = runtime;
  const control = await ControlPlane.open(nc);
  // KV `sessions` holds connection slots and tickets, each through its own typed view.
  const sessions = (await JsonBucket.open(nc, buckets.sessions)).kv;
  const metrics = createGatewayMetrics(registry);
  const positions = new StreamPositions(nc, js);
  const tickets = new TicketStore(new JsonBucket(sessions), config.TICKET_TTL_MS);
  const principals = new Principals(control, tickets);
  const slots = new ConnectionSlots({
    bucket: new JsonBucket(sessions),
    instance: config.INSTANCE_ID,
    maxPerUser: config.SSE_MAX_PER_USER,
    ttlMs: config.SLOT_TTL_MS,
  });
  const streams = new AnalysisStreams({ js, positions, slots, config, metrics, logger });

  const http = createHttpServer({ logger, registry, readiness: { checks: { nats: runtime.natsConnected } } });
  await http.register(sseAnalysisRoutes, { control, principals, streams });
  await http.register(streamTicketRoutes, { principals, tickets });
  // Open streams keep the server from closing: end them (clients reconnect elsewhere) first.
  http.addHook('preClose', async () => streams.stop());

  return {
    http,
    start: async () => streams.start(),
    stop: async () => streams.stop(),
  };
}
