import {
  authenticate,
  clearedSessionCookie,
  type Principal,
  type RequestAuth,
  type SessionCookieOptions,
  sessionSetCookie,
} from '@sightline/auth';
import { ApiError, compile, scopes, type WebSession } from '@sightline/contracts';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { PerMinuteLimit } from '../adapters/rate-limit.js';

export interface SessionRouteDeps {
  auth: RequestAuth;
  cookie: SessionCookieOptions;
  /** SESSION_TTL_MS */
  ttlMs: number;
  /** SESSIONS_PER_MINUTE per key */
  opensLimit: PerMinuteLimit;
}

const strict = { additionalProperties: false } as const;
/**
 * Nothing to send: the key in the header says who. No body or `{}` (for clients that always send
 * JSON); checked in the handler, since a route body schema cannot allow "no body".
 */
const openBody = compile(Type.Union([Type.Undefined(), Type.Object({}, strict)]));
const NoQuery = Type.Object({}, strict);

/** What a session answer shows: who it acts as and until when; never the session id. */
function sessionView(principal: Principal, session: WebSession) {
  const { tenantId, keyId, owner, scopes: granted } = principal;
  return { tenantId, keyId, owner, scopes: granted, expiresAt: session.expiresAt };
}

/**
 * Browser cookie sessions, the dashboard's alternative to tickets: `POST /api/v1/sessions` with
 * an API key in the header sets an HttpOnly cookie holding an opaque id (KV `web_sessions`);
 * `GET /api/v1/sessions/current` says who it is; `DELETE /api/v1/sessions/current` logs out.
 */
export async function sessionRoutes(app: FastifyInstance, deps: SessionRouteDeps): Promise<void> {
  const { auth, cookie } = deps;

  app.post('/api/v1/sessions', { schema: { querystring: NoQuery } }, async (request, reply) => {
    if (!openBody.check(request.body)) throw new ApiError('bad_request', 'send no body, or {}');
    // Header key only: a session or ticket must not mint a session that outlives it.
    const principal = await authenticate(auth.control, request, scopes);
    deps.opensLimit.take(principal.keyId);
    const record = await auth.control.getApiKey(principal.tenantId, principal.keyId);
    const { sessionId, session } = await auth.sessions.create(principal, deps.ttlMs, record?.expiresAt);
    const maxAgeSec = (session.expiresAt - session.createdAt) / 1000;
    return reply
      .code(201)
      .header('cache-control', 'no-store')
      .header('set-cookie', sessionSetCookie(cookie, sessionId, maxAgeSec))
      .send(sessionView(principal, session));
  });

  app.get('/api/v1/sessions/current', { schema: { querystring: NoQuery } }, async (request, reply) => {
    const { principal, session } = await auth.resolveSession(request);
    return reply.header('cache-control', 'no-store').send(sessionView(principal, session));
  });

  app.delete('/api/v1/sessions/current', { schema: { querystring: NoQuery } }, async (request, reply) => {
    const sessionId = auth.sessionIdOf(request);
    if (!sessionId) throw new ApiError('unauthorized', 'missing session cookie: nothing to sign out of');
    auth.requireOrigin(request);
    // Deleted whether or not it is still valid: signing out must work after a key was revoked.
    await auth.sessions.remove(sessionId);
    return reply.code(204).header('set-cookie', clearedSessionCookie(cookie)).send();
  });
}
