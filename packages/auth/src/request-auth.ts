import { ApiError, type Scope, type WebSession } from '@sightline/contracts';
import type { FastifyRequest } from 'fastify';
import type { ControlPlane, Principal } from './control-plane.js';
import { authenticate, presentedKey, requireScope } from './http-auth.js';
import { isStateChanging, originAllowed } from './origin-policy.js';
import { readCookie } from './session-cookie.js';
import type { WebSessions } from './web-sessions.js';

export interface RequestAuthOptions {
  sessions: WebSessions;
  /** `sessionCookieName(secure)`: the one name this deployment sets and reads. */
  cookieName: string;
  /** Other origins whose pages may send state-changing requests with the cookie (CORS_ORIGINS). */
  allowedOrigins: readonly string[];
}

export interface SessionCheck {
  /** Refuse unless the Origin is allowed. Default: for state-changing methods (CSRF). */
  checkOrigin?: boolean;
}

export interface ResolvedSession {
  sessionId: string;
  session: WebSession;
  principal: Principal;
}

/**
 * Who is asking, by `Authorization: Bearer` / `X-API-Key`, or else by the browser's session
 * cookie. A header key wins when both are sent: no page can add one cross-origin, so it needs
 * no CSRF check. A cookie does, and is re-checked against its API key on every use.
 */
export class RequestAuth {
  constructor(
    readonly control: ControlPlane,
    private readonly options: RequestAuthOptions,
  ) {}

  get sessions(): WebSessions {
    return this.options.sessions;
  }

  get cookieName(): string {
    return this.options.cookieName;
  }

  /** 401 without a valid credential, 403 for a missing scope or a cookie from a foreign origin. */
  async authenticate(request: FastifyRequest, anyOf: readonly Scope[]): Promise<Principal> {
    if (presentedKey(request) === undefined && this.sessionIdOf(request) !== undefined) {
      return this.bySession(request, anyOf);
    }
    return authenticate(this.control, request, anyOf);
  }

  /** The session cookie's value, if the request carries one. */
  sessionIdOf(request: FastifyRequest): string | undefined {
    return readCookie(request, this.options.cookieName);
  }

  async bySession(request: FastifyRequest, anyOf: readonly Scope[], check: SessionCheck = {}) {
    const { principal } = await this.resolveSession(request, check);
    requireScope(principal, anyOf);
    return principal;
  }

  /** The cookie's session and the principal of its (still active) key, or a 401/403 ApiError. */
  async resolveSession(request: FastifyRequest, check: SessionCheck = {}): Promise<ResolvedSession> {
    const sessionId = this.sessionIdOf(request);
    if (!sessionId) throw new ApiError('unauthorized', 'missing session cookie: sign in again');
    this.requireOrigin(request, check.checkOrigin ?? isStateChanging(request.method));
    const session = await this.options.sessions.find(sessionId);
    const principal = session && (await this.control.activeKey(session.keyId));
    if (!session || !principal || principal.tenantId !== session.tenantId) {
      throw new ApiError(
        'unauthorized',
        'invalid or expired session (or its API key was revoked): sign in again',
      );
    }
    return { sessionId, session, principal };
  }

  /** CSRF: a cookie travels with any request the browser makes, so the Origin must be ours. */
  requireOrigin(request: FastifyRequest, needed = true): void {
    if (!needed || originAllowed(request, this.options.allowedOrigins)) return;
    throw new ApiError(
      'forbidden',
      'cross-origin request refused: with a session cookie, state-changing requests and WebSockets ' +
        'must come from this origin or one in CORS_ORIGINS',
    );
  }
}
