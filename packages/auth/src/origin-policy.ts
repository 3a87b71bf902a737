import type { FastifyRequest } from 'fastify';

/** Methods that change state: with cookie auth they need an allowed Origin (CSRF). */
export function isStateChanging(method: string): boolean {
  return !['GET', 'HEAD', 'OPTIONS'].includes(method.toUpperCase());
}

/**
 * Whether the request's `Origin` is this service's own origin or one of `allowed` (CORS_ORIGINS).
 * Own origin means the Origin's host:port is the request's `Host` — a page cannot forge either
 * header, and proxies in front (the Ingress, the local stack's forwarder) keep the Host.
 * A missing or `null` Origin is refused: browsers send one on every cross-origin request, on
 * every non-GET fetch and on every WebSocket handshake.
 */
export function originAllowed(request: FastifyRequest, allowed: readonly string[]): boolean {
  const origin = request.headers.origin;
  if (typeof origin !== 'string' || origin === '' || origin === 'null') return false;
  if (allowed.includes(origin.replace(/\/$/, ''))) return true;
  const host = request.headers.host;
  if (typeof host !== 'string') return false;
  try {
    return new URL(origin).host === new URL(`http://${host}`).host;
  } catch {
    return false;
  }
}
