import { ApiError, type Scope } from '@sightline/contracts';
import type { FastifyRequest } from 'fastify';
import type { ControlPlane, Principal } from './control-plane.js';

/** The key from `Authorization: Bearer <key>` (or `X-API-Key`), without logging it anywhere. */
export function presentedKey(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header === 'string') {
    const m = /^Bearer\s+(\S+)$/i.exec(header.trim());
    if (m) return m[1];
  }
  const xKey = request.headers['x-api-key'];
  return typeof xKey === 'string' ? xKey : undefined;
}

/**
 * Authenticate a request and check it holds at least one of the scopes (`admin` holds all).
 * 401 without a valid key, 403 with a valid key lacking the scope.
 */
export async function authenticate(
  control: ControlPlane,
  request: FastifyRequest,
  anyOf: readonly Scope[],
  key: string | undefined = presentedKey(request),
): Promise<Principal> {
  if (!key) throw new ApiError('unauthorized', 'missing API key: send "Authorization: Bearer <key>"');
  const principal = await control.verifyApiKey(key);
  if (!principal) throw new ApiError('unauthorized', 'invalid, revoked or expired API key');
  requireScope(principal, anyOf);
  return principal;
}

export function requireScope(principal: Principal, anyOf: readonly Scope[]): void {
  if (principal.scopes.includes('admin')) return;
  if (!anyOf.some((s) => principal.scopes.includes(s))) {
    throw new ApiError('forbidden', `this API key lacks the scope: needs one of ${anyOf.join(', ')}`);
  }
}

/** The tenant's device or a 404 that looks exactly like a device that does not exist. */
export async function requireDevice(control: ControlPlane, principal: Principal, deviceId: string) {
  const device = await control.getDevice(principal.tenantId, deviceId);
  if (!device) throw new ApiError('not_found', `device ${deviceId} not found`);
  return device;
}
