import './fastify-types.js';
import multipart from '@fastify/multipart';
import websocket from '@fastify/websocket';
import { ControlPlane, RequestAuth, sessionCookieName, WebSessions } from '@sightline/auth';
import { ApiError, buckets } from '@sightline/contracts';
import { JsonBucket } from '@sightline/nats';
import { createHttpServer, parseOrigins, type ServiceApp, type ServiceRuntime } from '@sightline/service-kit';
import { jetStreamFramePublisher } from './adapters/frame-publisher.js';
import { HealthStore, startHealthPublisher } from './adapters/health-publisher.js';
import { FrameRejection } from './adapters/image-normalizer.js';
import { PullSupervisor } from './adapters/pull-supervisor.js';
import type { IngestConfig } from './config.js';
import type { IngestContext } from './context.js';
import { DeviceCache } from './domain/device-cache.js';
import { countedErrors, FrameIntake } from './domain/frame-intake.js';
import { HealthRegistry } from './domain/health-registry.js';
import { Pacer } from './domain/pacer.js';
import { RateLimiter } from './domain/rate-limiter.js';
import { jsonBodyLimit, jsonFrameRoutes } from './handlers/frames-json.js';
import { rawFrameRoutes } from './handlers/frames-raw.js';
import { wsFrameRoutes } from './handlers/frames-ws.js';
import { healthRoutes } from './handlers/health.js';
import { uploadRoutes } from './handlers/upload.js';
import { webhookRoutes } from './handlers/webhook.js';
import { createIngestMetrics, type IngestMetrics } from './metrics.js';

/** The metric reason of an HTTP failure: ours name it; fastify's are named by status. */
function reasonOf(err: unknown): string {
  if (err instanceof FrameRejection) return err.reason;
  if (err instanceof ApiError) return err.code;
  const status = (err as { statusCode?: number }).statusCode;
  const byStatus: Record<number, string> = { 400: 'bad_request', 413: 'too_large', 415: 'content_type' };
  return (status && byStatus[status]) || 'other';
}

function countHttpFailures(http: ServiceApp['http'], metrics: IngestMetrics): void {
  http.addHook('onError', async (request, _reply, err) => {
    if (countedErrors.has(err)) return;
    const source = (request.routeOptions.config as { source?: string } | undefined)?.source ?? 'other';
    metrics.rejected.inc({ source, reason: reasonOf(err) });
  });
}

async function pullSupervisor(
  runtime: ServiceRuntime,
  config: IngestConfig,
  ctx: IngestContext,
): Promise<PullSupervisor> {
  return new PullSupervisor({
    devicesKv: (await JsonBucket.open(runtime.nc, buckets.devices)).kv,
    sessionsKv: (await JsonBucket.open(runtime.nc, buckets.sessions)).kv,
    instanceId: config.INSTANCE_ID,
    leaseTtlMs: config.LEASE_TTL_MS,
    renewMs: config.LEASE_RENEW_MS,
    health: ctx.health,
    metrics: ctx.metrics,
    logger: runtime.logger,
    worker: {
      intake: ctx.intake,
      metrics: ctx.metrics,
      logger: runtime.logger,
      ffmpegPath: config.FFMPEG_PATH,
      maxFrameBytes: config.MAX_FRAME_BYTES,
      backoffMinMs: config.PULL_BACKOFF_MIN_MS,
      backoffMaxMs: config.PULL_BACKOFF_MAX_MS,
      stallMs: config.PULL_STALL_MS,
    },
  });
}

/** Sessions are opened and ended by the gateway; ingest only reads them (KV web_sessions). */
async function requestAuth(
  runtime: ServiceRuntime,
  config: IngestConfig,
  control: ControlPlane,
): Promise<RequestAuth> {
  return new RequestAuth(control, {
    sessions: await WebSessions.open(runtime.nc),
    cookieName: sessionCookieName(config.SESSION_COOKIE_SECURE),
    allowedOrigins: parseOrigins(config.CORS_ORIGINS),
  });
}

export async function buildApp(runtime: ServiceRuntime, config: IngestConfig): Promise<ServiceApp> {
  const metrics = createIngestMetrics(runtime.registry);
  const control = await ControlPlane.open(runtime.nc);
  const health = new HealthRegistry();
  const intake = new FrameIntake({
    publish: jetStreamFramePublisher(runtime.js),
    pacer: new Pacer(),
    pacing: config.PACING === 'on',
    health,
    metrics,
    imageLimits: {
      maxBytes: config.MAX_FRAME_BYTES,
      maxPixels: config.MAX_FRAME_PIXELS,
      minSide: config.MIN_FRAME_SIDE,
      maxSide: config.MAX_FRAME_SIDE,
    },
    timestampLimits: { maxFutureMs: config.TIMESTAMP_MAX_FUTURE_MS, maxAgeMs: config.TIMESTAMP_MAX_AGE_MS },
  });
  const rateLimiter = new RateLimiter(config.RATE_LIMIT_PER_MINUTE);
  const devices = new DeviceCache(config.DEVICE_CACHE_MS);
  const auth = await requestAuth(runtime, config, control);
  const ctx: IngestContext = {
    runtime,
    config,
    control,
    auth,
    intake,
    health,
    rateLimiter,
    metrics,
    devices,
  };

  const http = createHttpServer({
    logger: runtime.logger,
    registry: runtime.registry,
    readiness: { checks: { nats: runtime.natsConnected } },
    corsOrigins: config.CORS_ORIGINS,
    bodyLimit: jsonBodyLimit(config.MAX_FRAME_BYTES),
  });
  countHttpFailures(http, metrics);
  await http.register(async (scope) => rawFrameRoutes(scope, ctx));
  await http.register(async (scope) => jsonFrameRoutes(scope, ctx));
  await http.register(async (scope) => webhookRoutes(scope, ctx));
  await http.register(websocket, { options: { maxPayload: jsonBodyLimit(config.MAX_FRAME_BYTES) } });
  await http.register(async (scope) => wsFrameRoutes(scope, ctx));
  let stopUploads = () => {};
  await http.register(async (scope) => {
    await scope.register(multipart, { limits: { fileSize: config.UPLOAD_MAX_BYTES, files: 1 } });
    stopUploads = await uploadRoutes(scope, ctx);
  });
  const healthStore = await HealthStore.open(runtime.nc);
  await http.register(async (scope) => healthRoutes(scope, ctx, healthStore));

  const sweep = setInterval(() => rateLimiter.sweep(Date.now()), 60_000);
  sweep.unref();
  const pulls = config.PULL === 'on' ? await pullSupervisor(runtime, config, ctx) : undefined;
  let stopHealth = () => {};
  return {
    http,
    async start() {
      stopHealth = startHealthPublisher({
        registry: health,
        store: healthStore,
        metrics,
        logger: runtime.logger,
        intervalMs: config.HEALTH_PUBLISH_MS,
      });
      await pulls?.start();
    },
    async stop() {
      await pulls?.stop();
      stopHealth();
      stopUploads();
      clearInterval(sweep);
    },
  };
}
