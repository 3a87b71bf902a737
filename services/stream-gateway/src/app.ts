import websocket from '@fastify/websocket';
import { ControlPlane, RequestAuth, sessionCookieName, WebSessions } from '@sightline/auth';
import { buckets } from '@sightline/contracts';
import { dashboardPlugin } from '@sightline/dashboard';
import { JsonBucket } from '@sightline/nats';
import { createHttpServer, parseOrigins, type ServiceApp, type ServiceRuntime } from '@sightline/service-kit';
import { AnalysisStreams } from './adapters/analysis-streams.js';
import { ConnectionSlots } from './adapters/connection-slots.js';
import { HubRegistry } from './adapters/hub-registry.js';
import type { JsHub } from './adapters/js-hub.js';
import { LiveStreams } from './adapters/live-streams.js';
import { Principals } from './adapters/principals.js';
import { PerMinuteLimit } from './adapters/rate-limit.js';
import { StreamPositions } from './adapters/stream-positions.js';
import { TicketStore } from './adapters/ticket-store.js';
import { wsAuth } from './adapters/ws-auth.js';
import { WsSockets } from './adapters/ws-sockets.js';
import type { GatewayConfig } from './config.js';
import { controlPlanePlugin } from './control/index.js';
import type { OutgoingAnalyticEvent } from './domain/analytic-event.js';
import { labelRoutes } from './handlers/labels.js';
import { sessionRoutes } from './handlers/sessions.js';
import { sseAnalysisRoutes } from './handlers/sse-analysis.js';
import { streamTicketRoutes } from './handlers/stream-tickets.js';
import { upstreamProxyRoutes } from './handlers/upstream-proxy.js';
import { wsEventsRoutes } from './handlers/ws-events.js';
import { wsLiveRoutes } from './handlers/ws-live.js';
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
  const cookie = {
    name: sessionCookieName(config.SESSION_COOKIE_SECURE),
    secure: config.SESSION_COOKIE_SECURE,
  };
  // Browser cookie sessions live in their own bucket (KV `web_sessions`, with a TTL).
  const auth = new RequestAuth(control, {
    sessions: await WebSessions.open(nc),
    cookieName: cookie.name,
    allowedOrigins: parseOrigins(config.CORS_ORIGINS),
  });
  const principals = new Principals(auth, tickets);
  const slots = new ConnectionSlots({
    bucket: new JsonBucket(sessions),
    instance: config.INSTANCE_ID,
    maxPerUser: config.SSE_MAX_PER_USER,
    ttlMs: config.SLOT_TTL_MS,
  });
  const streams = new AnalysisStreams({ js, positions, slots, config, metrics, logger });
  const sockets = new WsSockets(metrics, config.WS_PING_MS);
  const live = new LiveStreams(nc, metrics, config.HUB_LINGER_MS, config.LIVE_VIEWERS_ANNOUNCE_MS);
  const eventHubs = new HubRegistry<JsHub<OutgoingAnalyticEvent>>(config.HUB_LINGER_MS, (n) =>
    metrics.hubs.set({ kind: 'events' }, n),
  );
  const socketAuth = wsAuth(principals, config.WS_AUTH_TIMEOUT_MS);
  const stopStreams = () => {
    streams.stop();
    sockets.closeAll();
    live.stop();
    eventHubs.stopAll();
  };

  const http = createHttpServer({
    logger,
    registry,
    readiness: { checks: { nats: runtime.natsConnected } },
    corsOrigins: config.CORS_ORIGINS,
  });
  await http.register(websocket, {
    options: { maxPayload: 64 * 1024 },
    // Close sockets with 1001 "going away" (reconnect elsewhere) instead of the default bare close.
    preClose: (done) => {
      stopStreams();
      http.websocketServer.close();
      done();
    },
  });
  await http.register(sseAnalysisRoutes, { control, principals, streams });
  await http.register(streamTicketRoutes, { principals, tickets });
  await http.register(sessionRoutes, {
    auth,
    cookie,
    ttlMs: config.SESSION_TTL_MS,
    opensLimit: new PerMinuteLimit(config.SESSIONS_PER_MINUTE),
  });
  await http.register(wsLiveRoutes, { control, auth: socketAuth, live, sockets, metrics, config });
  const labelsLimit = new PerMinuteLimit(config.LABELS_RATE_PER_MINUTE);
  await http.register(labelRoutes, {
    control,
    principals,
    auth: socketAuth,
    live,
    sockets,
    metrics,
    config,
    labelsLimit,
  });
  await http.register(wsEventsRoutes, {
    control,
    auth: socketAuth,
    js,
    positions,
    hubs: eventHubs,
    sockets,
    metrics,
    config,
    logger,
  });
  await http.register(controlPlanePlugin, {
    control,
    auth,
    nc,
    js,
    logger,
    registry,
    options: { webhooks: { allowInsecureUrls: config.WEBHOOKS_ALLOW_INSECURE } },
  });
  if (config.CHAT_UPSTREAM_URL || config.INGEST_UPSTREAM_URL) {
    await http.register(upstreamProxyRoutes, {
      chatUrl: config.CHAT_UPSTREAM_URL,
      ingestUrl: config.INGEST_UPSTREAM_URL,
    });
  }
  // The operator dashboard at `/`, after every API route so those keep their JSON 404s.
  await http.register(dashboardPlugin);
  // Open streams keep the server from closing: end them (clients reconnect elsewhere) first.
  http.addHook('preClose', async () => stopStreams());

  // Unredeemed tickets would stay in KV forever: sweep them now and then.
  let ticketSweep: NodeJS.Timeout | undefined;
  const sweepTickets = () =>
    tickets.purgeExpired().catch((err) => logger.warn({ err }, 'ticket sweep failed'));

  return {
    http,
    start: async () => {
      streams.start();
      sockets.start();
      ticketSweep = setInterval(sweepTickets, Math.max(60_000, config.TICKET_TTL_MS));
      ticketSweep.unref();
    },
    stop: async () => {
      clearInterval(ticketSweep);
      stopStreams();
    },
  };
}
