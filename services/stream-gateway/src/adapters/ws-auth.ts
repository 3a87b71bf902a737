import type { Principal } from '@sightline/auth';
import { ApiError } from '@sightline/contracts';
import type { FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { closeCodeOfStatus, closeCodes } from '../domain/ws-close.js';
import { type Principals, streamScopes } from './principals.js';
import { refuse } from './ws-sockets.js';

const upgraded = new WeakMap<FastifyRequest, Principal>();

/**
 * WebSocket auth. On the upgrade (a `preValidation` hook): an API key header, `?ticket=` or the
 * session cookie, and a bad one is refused as an HTTP error before any upgrade. A cookie also
 * needs an allowed Origin: browsers attach cookies to cross-site WebSocket handshakes too.
 * Without any, the socket opens and its first message must be
 * `{"type":"auth","token":"<API key or ticket>"}` within the timeout.
 */
export function wsAuth(principals: Principals, timeoutMs: number) {
  const preValidation = async (request: FastifyRequest) => {
    if (!principals.hasCredential(request)) return;
    upgraded.set(request, await principals.ofRequest(request, streamScopes, { checkOrigin: true }));
  };

  /** The socket's principal, or undefined after closing it with the matching code. */
  const principalOf = async (socket: WebSocket, request: FastifyRequest): Promise<Principal | undefined> => {
    const known = upgraded.get(request);
    if (known) return known;
    try {
      return await principals.ofCredential(await firstMessageToken(socket, timeoutMs));
    } catch (err) {
      if (err instanceof ApiError) refuse(socket, closeCodeOfStatus(err.status), err.message);
      else if (err instanceof AuthTimeout) refuse(socket, closeCodes.authTimeout, err.message);
      else refuse(socket, closeCodes.policy, 'first message must be {"type":"auth","token":"..."}');
      return undefined;
    }
  };

  return { preValidation, principalOf };
}

class AuthTimeout extends Error {}

function firstMessageToken(socket: WebSocket, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new AuthTimeout('no credential in time')), timeoutMs);
    socket.once('message', (data) => {
      clearTimeout(timer);
      try {
        const msg = JSON.parse(String(data)) as { type?: unknown; token?: unknown };
        if (msg.type === 'auth' && typeof msg.token === 'string') resolve(msg.token);
        else reject(new Error('not an auth message'));
      } catch (err) {
        reject(err);
      }
    });
    socket.once('close', () => clearTimeout(timer));
  });
}
