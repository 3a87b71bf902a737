import { type Principal, requireDevice } from '@sightline/auth';
import { ApiError, type Device, type Scope } from '@sightline/contracts';
import type { FastifyRequest, onRequestHookHandler } from 'fastify';
import type { IngestContext } from '../context.js';

interface AuthContext {
  principal: Principal;
  device?: Device;
}

const contexts = new WeakMap<FastifyRequest, AuthContext>();

/** Rate limit per API key: 429 with Retry-After in seconds. */
export function enforceRateLimit(ctx: IngestContext, principal: Principal): void {
  const decision = ctx.rateLimiter.take(principal.keyId, Date.now());
  if (!decision.allowed) {
    throw new ApiError(
      'too_many_requests',
      `rate limit of ${ctx.config.RATE_LIMIT_PER_MINUTE} requests a minute exceeded`,
      {
        'Retry-After': String(decision.retryAfterSec),
      },
    );
  }
}

/** The tenant's device (404 otherwise), through the short-lived device cache. */
export function deviceFor(ctx: IngestContext, principal: Principal, deviceId: string): Promise<Device> {
  return ctx.devices.get(principal.tenantId, deviceId, () => requireDevice(ctx.control, principal, deviceId));
}

/**
 * onRequest hook: key or session cookie (401), scope (403), a cookie's Origin on writes (403),
 * rate limit (429) and, for `/:id` routes, the device of the caller's tenant (404) — all before a
 * byte of the body is read. A header key skips the cookie entirely and goes through the key cache,
 * and the device through the device cache: a pushing camera must not cost a KV round trip per frame.
 */
export function requireAuth(
  ctx: IngestContext,
  scopes: readonly Scope[],
  withDevice = false,
): onRequestHookHandler {
  return async (request) => {
    const principal = await ctx.auth.authenticate(request, scopes);
    enforceRateLimit(ctx, principal);
    const id = (request.params as { id?: string }).id;
    const device = withDevice && id !== undefined ? await deviceFor(ctx, principal, id) : undefined;
    contexts.set(request, { principal, ...(device ? { device } : {}) });
  };
}

export function principalOf(request: FastifyRequest): Principal {
  const auth = contexts.get(request);
  if (!auth) throw new Error('requireAuth did not run for this route');
  return auth.principal;
}

export function deviceOf(request: FastifyRequest): Device {
  const device = contexts.get(request)?.device;
  if (!device) throw new Error('requireAuth(withDevice) did not run for this route');
  return device;
}
