import { authenticate, type ControlPlane, type Principal, presentedKey, requireScope } from '@sightline/auth';
import { ApiError, type Scope } from '@sightline/contracts';
import type { FastifyRequest } from 'fastify';
import type { TicketStore } from './ticket-store.js';

export const streamScopes: readonly Scope[] = ['device:read', 'analytics:read'];

/**
 * Who is asking: an API key in a header, or else a stream ticket in `?ticket=`. A ticket is
 * checked against its key's record too, so revoking a key also voids its unredeemed tickets.
 */
export class Principals {
  constructor(
    private readonly control: ControlPlane,
    private readonly tickets: TicketStore,
  ) {}

  async ofRequest(request: FastifyRequest, anyOf: readonly Scope[] = streamScopes): Promise<Principal> {
    const ticket = (request.query as Record<string, unknown> | undefined)?.ticket;
    if (presentedKey(request) === undefined && typeof ticket === 'string') {
      return this.ofTicket(ticket, anyOf);
    }
    return authenticate(this.control, request, anyOf);
  }

  /** API key only (minting a ticket must not be possible with a ticket). */
  async ofKeyOnly(request: FastifyRequest, anyOf: readonly Scope[] = streamScopes): Promise<Principal> {
    return authenticate(this.control, request, anyOf);
  }

  /** A bare credential (a WebSocket's first message): an API key or a ticket. */
  async ofCredential(credential: string, anyOf: readonly Scope[] = streamScopes): Promise<Principal> {
    if (credential.startsWith('st_')) return this.ofTicket(credential, anyOf);
    const principal = await this.control.verifyApiKey(credential);
    if (!principal) throw new ApiError('unauthorized', 'invalid, revoked or expired API key');
    requireScope(principal, anyOf);
    return principal;
  }

  private async ofTicket(ticket: string, anyOf: readonly Scope[]): Promise<Principal> {
    const principal = await this.tickets.redeem(ticket);
    const key = principal && (await this.control.keys.get(principal.keyId));
    if (!principal || !key || key.revokedAt !== undefined || (key.expiresAt ?? Infinity) <= Date.now()) {
      throw new ApiError('unauthorized', 'invalid, used or expired stream ticket');
    }
    requireScope(principal, anyOf);
    return principal;
  }
}
