import cors from '@fastify/cors';
import { ApiError, type ErrorCode, errorCodes, statusOfCode } from '@sightline/contracts';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';

export interface Readiness {
  /** Each check returns true when ready; /readyz answers 503 naming those that are not. */
  checks: Record<string, () => boolean>;
}

export interface HttpOptions {
  logger: Logger;
  registry: Registry;
  readiness: Readiness;
  bodyLimit?: number;
  fastify?: Partial<FastifyServerOptions>;
  /**
   * Browser origins allowed to call this service from another origin (comma-separated, from
   * CORS_ORIGINS). Empty: no CORS headers at all, so only same-origin pages (the dashboard) can.
   */
  corsOrigins?: string;
}

export function parseOrigins(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((o) => o.trim().replace(/\/$/, ''))
    .filter(Boolean);
}

export function errorBody(code: ErrorCode, message: string) {
  return { error: { code, message } };
}

/** Map fastify's own errors (validation, body size, content type, JSON) to our JSON error. */
function classify(err: unknown): { code: ErrorCode; message: string; headers: Record<string, string> } {
  if (err instanceof ApiError) return { code: err.code, message: err.message, headers: err.headers };
  const e = err as { statusCode?: number; code?: string; message?: string; validation?: unknown };
  if (e.validation)
    return { code: errorCodes.badRequest, message: e.message ?? 'invalid request', headers: {} };
  const byStatus = Object.entries(statusOfCode).find(([, s]) => s === e.statusCode)?.[0] as
    | ErrorCode
    | undefined;
  if (byStatus && byStatus !== 'internal')
    return { code: byStatus, message: e.message ?? byStatus, headers: {} };
  return { code: errorCodes.internal, message: 'internal error', headers: {} };
}

/**
 * A fastify instance with the shared behaviour: JSON errors in one shape, /healthz, /readyz,
 * /metrics, 503 while closing so load balancers drain, and request logs without query strings.
 */
export function createHttpServer(options: HttpOptions): FastifyInstance {
  const app = Fastify({
    loggerInstance: options.logger,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    return503OnClosing: true,
    requestIdHeader: false,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false } },
    ...options.fastify,
  });

  const origins = parseOrigins(options.corsOrigins);
  if (origins.length > 0) {
    void app.register(cors, {
      origin: origins,
      credentials: true,
      methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ['authorization', 'content-type', 'idempotency-key', 'last-event-id', 'x-frame-id'],
      maxAge: 600,
    });
  }

  app.setErrorHandler((err, request, reply) => {
    const { code, message, headers } = classify(err);
    if (code === 'internal') request.log.error({ err }, 'unhandled error');
    void reply.code(statusOfCode[code]).headers(headers).send(errorBody(code, message));
  });
  app.setNotFoundHandler((request, reply) => {
    void reply
      .code(404)
      .send(errorBody(errorCodes.notFound, `no route ${request.method} ${request.url.split('?')[0]}`));
  });

  app.get('/healthz', { logLevel: 'warn' }, async () => ({ status: 'ok' }));
  app.get('/readyz', { logLevel: 'warn' }, async (_req, reply) => {
    const failing = Object.entries(options.readiness.checks)
      .filter(([, check]) => !check())
      .map(([name]) => name);
    if (failing.length > 0) return reply.code(503).send({ status: 'not ready', failing });
    return { status: 'ready' };
  });
  app.get('/metrics', { logLevel: 'warn' }, async (_req, reply) => {
    void reply.header('content-type', options.registry.contentType);
    return options.registry.metrics();
  });
  return app;
}
