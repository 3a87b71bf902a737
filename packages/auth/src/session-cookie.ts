import type { FastifyRequest } from 'fastify';

const BASE_NAME = 'sl_session';

/**
 * The session cookie's name. Secure cookies carry the `__Host-` prefix: browsers then accept it
 * only over https, for this exact host and path `/`, so a sibling subdomain or a plain-http
 * page cannot plant one (session fixation). Plain-http local stacks cannot use the prefix.
 */
export function sessionCookieName(secure: boolean): string {
  return secure ? `__Host-${BASE_NAME}` : BASE_NAME;
}

export interface SessionCookieOptions {
  name: string;
  secure: boolean;
}

/**
 * The `Set-Cookie` value that opens a session: HttpOnly (no script can read it), SameSite=Strict
 * (no other site's page makes the browser send it), Path=/ (every API and stream route).
 */
export function sessionSetCookie(
  options: SessionCookieOptions,
  sessionId: string,
  maxAgeSec: number,
): string {
  return cookieLine(options, sessionId, Math.max(0, Math.floor(maxAgeSec)));
}

/** The `Set-Cookie` value that makes the browser drop the session cookie at once. */
export function clearedSessionCookie(options: SessionCookieOptions): string {
  return cookieLine(options, '', 0);
}

function cookieLine({ name, secure }: SessionCookieOptions, value: string, maxAgeSec: number): string {
  const attributes = [`${name}=${value}`, 'HttpOnly', 'SameSite=Strict', 'Path=/', `Max-Age=${maxAgeSec}`];
  if (secure) attributes.push('Secure');
  return attributes.join('; ');
}

/** The value of cookie `name` in the request's Cookie header (the first, as browsers order them). */
export function readCookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (typeof header !== 'string') return undefined;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0 || pair.slice(0, eq).trim() !== name) continue;
    const value = pair.slice(eq + 1).trim();
    return value.startsWith('"') && value.endsWith('"') && value.length >= 2 ? value.slice(1, -1) : value;
  }
  return undefined;
}
