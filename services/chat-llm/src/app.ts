import { ControlPlane, RequestAuth, sessionCookieName, WebSessions } from '@sightline/auth';
import { createHttpServer, parseOrigins, type ServiceApp, type ServiceRuntime } from '@sightline/service-kit';
import { NatsAnalyticsClient } from './adapters/analytics-client.js';
import { ChatStore } from './adapters/chat-store.js';
import { ControlPlaneDirectory } from './adapters/device-directory.js';
import { JetStreamEventsReader } from './adapters/events-reader.js';
import { OpenAiProvider } from './adapters/openai/openai-provider.js';
import type { ChatConfig } from './config.js';
import { BuiltinAnalyst } from './domain/analyst/analyst.js';
import { ConcurrencyLimiter, RateLimiter } from './domain/limits.js';
import type { ChatProvider } from './domain/provider.js';
import { timeFormatter } from './domain/time-format.js';
import type { TurnRecord } from './domain/turn.js';
import { registerChatRoutes } from './handlers/chats.js';
import type { HandlerContext } from './handlers/context.js';
import { registerMessageRoutes, SHUTTING_DOWN } from './handlers/messages.js';
import { createMetrics } from './metrics.js';

export interface AppHooks {
  /** Observe each finished turn (answer + tool calls); used by tests for the grounding check. */
  onTurn?: (record: TurnRecord) => void;
}

function chooseProvider(config: ChatConfig): ChatProvider {
  if (config.CHAT_PROVIDER === 'builtin') return new BuiltinAnalyst();
  return new OpenAiProvider({
    baseUrl: config.OPENAI_BASE_URL,
    model: config.OPENAI_MODEL,
    apiKey: config.OPENAI_API_KEY,
    timeoutMs: config.PROVIDER_TIMEOUT_MS,
    maxAttempts: config.PROVIDER_MAX_ATTEMPTS,
  });
}

/** chat-llm: `/chats/**` over HTTP, metrics from analytics over NATS, history in KV. */
export async function buildApp(
  runtime: ServiceRuntime,
  config: ChatConfig,
  hooks: AppHooks = {},
): Promise<ServiceApp> {
  const control = await ControlPlane.open(runtime.nc);
  const metrics = createMetrics(runtime.registry);
  const ctx: HandlerContext = {
    config,
    control,
    // Sessions are opened and ended by the gateway; chat only reads them (KV web_sessions).
    auth: new RequestAuth(control, {
      sessions: await WebSessions.open(runtime.nc),
      cookieName: sessionCookieName(config.SESSION_COOKIE_SECURE),
      allowedOrigins: parseOrigins(config.CORS_ORIGINS),
    }),
    store: await ChatStore.open(runtime.nc, config.MAX_HISTORY_MESSAGES),
    directory: new ControlPlaneDirectory(control),
    turn: {
      provider: chooseProvider(config),
      analytics: new NatsAnalyticsClient(runtime.nc, config.ANALYTICS_TIMEOUT_MS),
      events: new JetStreamEventsReader(runtime.js),
      time: timeFormatter(config.DISPLAY_TIMEZONE),
      onToolCall: (tool, outcome) => metrics.toolCalls.inc({ tool, outcome }),
    },
    rate: new RateLimiter(config.MESSAGES_PER_MINUTE),
    streams: new ConcurrencyLimiter(config.MAX_CONCURRENT_STREAMS_PER_USER),
    metrics,
    activeTurns: new Set(),
    onTurn: hooks.onTurn,
  };
  const http = createHttpServer({
    logger: runtime.logger,
    registry: runtime.registry,
    readiness: { checks: { nats: runtime.natsConnected } },
    corsOrigins: config.CORS_ORIGINS,
    // Room for the largest allowed prompt in UTF-8; anything bigger is a 413 from fastify.
    bodyLimit: Math.max(64 * 1024, config.MAX_PROMPT_CHARS * 4 + 1024),
  });
  // Before the server waits for open connections: end every answer stream with the error event.
  http.addHook('preClose', async () => {
    for (const turn of ctx.activeTurns) turn.abort(SHUTTING_DOWN);
  });
  registerChatRoutes(http, ctx);
  registerMessageRoutes(http, ctx);
  return {
    http,
    async start() {},
    async stop() {},
  };
}
