import type { FastifyInstance } from 'fastify';
import type { Principals } from '../adapters/principals.js';
import type { TicketStore } from '../adapters/ticket-store.js';

export interface StreamTicketDeps {
  principals: Principals;
  tickets: TicketStore;
}

/**
 * `POST /api/v1/stream-tickets` (API key in a header) → `{ticket, expiresAt}`: a single-use
 * credential for `?ticket=` on the SSE and WebSocket routes, where browsers cannot send headers.
 * A ticket cannot mint another ticket.
 */
export async function streamTicketRoutes(app: FastifyInstance, deps: StreamTicketDeps): Promise<void> {
  app.post('/api/v1/stream-tickets', async (request, reply) => {
    const principal = await deps.principals.ofKeyOnly(request);
    const issued = await deps.tickets.issue(principal);
    return reply.code(201).header('cache-control', 'no-store').send(issued);
  });
}
