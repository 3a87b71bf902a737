import { ApiError } from '@sightline/contracts';
import { Counter, metricPrefix } from '@sightline/service-kit';
import type { ControlPlaneDeps, Guard, ResolvedOptions } from './deps.js';
import { RateLimiter } from './domain/rate-limit.js';

function tooMany(retryAfterSec: number, who: string): ApiError {
  return new ApiError('too_many_requests', `rate limit exceeded for this ${who}; retry later`, {
    'retry-after': String(retryAfterSec),
  });
}

/**
 * Per-IP limiting for every request, then per-key limiting and scope checks for each route. A
 * cookie session counts against the limit of the key it was opened with.
 */
export function createGuard(deps: ControlPlaneDeps, opts: ResolvedOptions) {
  const { perKey, perIp, windowMs } = opts.rateLimit;
  const byKey = new RateLimiter(perKey, windowMs);
  const byIp = new RateLimiter(perIp, windowMs);
  const limited = new Counter({
    name: `${metricPrefix('stream-gateway')}control_rate_limited_total`,
    help: 'Control-plane requests refused with 429, by what was limited',
    labelNames: ['by'],
    registers: [deps.registry],
  });

  const limitIp = async (request: import('fastify').FastifyRequest) => {
    const wait = byIp.hit(request.ip);
    if (wait > 0) {
      limited.inc({ by: 'ip' });
      throw tooMany(wait, 'client address');
    }
  };

  const guard: Guard = async (request, anyOf) => {
    const principal = await deps.auth.authenticate(request, anyOf);
    const wait = byKey.hit(principal.keyId);
    if (wait > 0) {
      limited.inc({ by: 'key' });
      throw tooMany(wait, 'API key');
    }
    return principal;
  };
  return { guard, limitIp };
}
