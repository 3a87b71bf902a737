import { authenticate, type Principal, presentedKey, type RequestAuth, requireScope } from '@sightline/auth';
import { ApiError, type Scope } from '@sightline/contracts';
import type { FastifyRequest } from 'fastify';
import type { TicketStore } from './ticket-store.js';

export const streamScopes: readonly Scope[] = ['device:read', 'analytics:read'];

export interface StreamAuthCheck {
  /** Refuse a cookie session from a foreign Origin even on GET (WebSocket upgrades: CSWSH). */
  checkOrigin?: boolean;
}

/**
 * Who is asking: an API key in a header, else a stream ticket in `?ticket=`, else the browser's
 * session cookie. A ticket is checked against its key's record too, so revoking a key also voids
 * its unredeemed tickets; a session re-checks its key on every use.
 */
export class Principals {
  constructor(
    private readonly auth: RequestAuth,
    private readonly tickets: TicketStore,
  ) {}

  async ofRequest(
    request: FastifyRequest,
    anyOf: readonly Scope[] = streamScopes,
    check: StreamAuthCheck = {},
  ): Promise<Principal> {
    const ticket = ticketOf(request);
    if (presentedKey(request) === undefined && ticket !== undefined) return this.ofTicket(ticket, anyOf);
    if (presentedKey(request) === undefined && this.auth.sessionIdOf(request) !== undefined) {
      return this.auth.bySession(request, anyOf, check);
    }
    return this.auth.authenticate(request, anyOf);
  }

  /** Whether the request carries any credential of its own (else a WebSocket waits for one). */
  hasCredential(request: FastifyRequest): boolean {
    return (
      presentedKey(request) !== undefined ||
      ticketOf(request) !== undefined ||
      this.auth.sessionIdOf(request) !== undefined
    );
  }

  /** API key only: minting a ticket or a session must not be possible with a ticket or a session. */
  async ofKeyOnly(request: FastifyRequest, anyOf: readonly Scope[] = streamScopes): Promise<Principal> {
    return authenticate(this.auth.control, request, anyOf);
  }

  /** A bare credential (a WebSocket's first message): an API key or a ticket. */
  async ofCredential(credential: string, anyOf: readonly Scope[] = streamScopes): Promise<Principal> {
    if (credential.startsWith('st_')) return this.ofTicket(credential, anyOf);
    const principal = await this.auth.control.verifyApiKey(credential);
    if (!principal) throw new ApiError('unauthorized', 'invalid, revoked or expired API key');
    requireScope(principal, anyOf);
    return principal;
  }

  private async ofTicket(ticket: string, anyOf: readonly Scope[]): Promise<Principal> {
    const principal = await this.tickets.redeem(ticket);
    const key = principal && (await this.auth.control.keys.get(principal.keyId));
    if (!principal || !key || key.revokedAt !== undefined || (key.expiresAt ?? Infinity) <= Date.now()) {
      throw new ApiError('unauthorized', 'invalid, used or expired stream ticket');
    }
    requireScope(principal, anyOf);
    return principal;
  }
}

function ticketOf(request: FastifyRequest): string | undefined {
  const ticket = (request.query as Record<string, unknown> | undefined)?.ticket;
  return typeof ticket === 'string' ? ticket : undefined;
}
