import type { AuditLog, ControlPlane, RequestAuth } from '@sightline/auth';
import type { JetStreamClient, NatsConnection } from '@sightline/nats';
import type { Logger, Registry } from '@sightline/service-kit';

export interface ControlPlaneOptions {
  /** Requests per window per API key and per client IP; over it: 429 with Retry-After. */
  rateLimit?: { perKey: number; perIp: number; windowMs: number };
  /** Largest accepted request body of a control-plane route, bytes. */
  bodyLimit?: number;
  /** How long a metrics/heatmap query waits for analytics-aggregation. */
  analyticsTimeoutMs?: number;
  /** Tenant id whose admin keys may create tenants (made by the CLI on a fresh install). */
  platformTenantId?: string;
  webhooks?: Partial<WebhookOptions>;
  /** Serve OpenAPI JSON and the UI at /docs. */
  docs?: boolean;
}

export interface WebhookOptions {
  /** Run the dispatcher (one durable consumer shared by all gateway replicas). */
  dispatch: boolean;
  maxAttempts: number;
  /** First retry delay; each next one doubles. */
  baseDelayMs: number;
  timeoutMs: number;
  /** Allow http:// and loopback/private addresses (local stacks and tests only). */
  allowInsecureUrls: boolean;
}

export interface ControlPlaneDeps {
  control: ControlPlane;
  /** Header key or session cookie (with the CSRF Origin check), for every route's guard. */
  auth: RequestAuth;
  nc: NatsConnection;
  js: JetStreamClient;
  logger: Logger;
  registry: Registry;
  options?: ControlPlaneOptions;
}

export const defaultOptions: ResolvedOptions = {
  rateLimit: { perKey: 600, perIp: 1200, windowMs: 60_000 },
  bodyLimit: 256 * 1024,
  analyticsTimeoutMs: 3000,
  platformTenantId: 'platform',
  webhooks: { dispatch: true, maxAttempts: 6, baseDelayMs: 1000, timeoutMs: 5000, allowInsecureUrls: false },
  docs: true,
};

export type ResolvedOptions = Required<ControlPlaneOptions> & { webhooks: WebhookOptions };

export function resolveOptions(options: ControlPlaneOptions = {}): ResolvedOptions {
  return {
    ...defaultOptions,
    ...options,
    rateLimit: { ...defaultOptions.rateLimit, ...options.rateLimit },
    webhooks: { ...defaultOptions.webhooks, ...options.webhooks },
  };
}

/** What every route family receives: the deps plus the audit log and resolved options. */
export interface RouteContext extends ControlPlaneDeps {
  audit: AuditLog;
  opts: ResolvedOptions;
  guard: Guard;
}

export type Guard = (
  request: import('fastify').FastifyRequest,
  anyOf: readonly import('@sightline/contracts').Scope[],
) => Promise<import('@sightline/auth').Principal>;
