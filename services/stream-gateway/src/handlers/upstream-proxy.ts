import replyFrom from '@fastify/reply-from';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export interface UpstreamOptions {
  chatUrl?: string;
  ingestUrl?: string;
}

/** Frame routes served by ingest (see services/ingest/src/handlers). */
const ingestRoutes: Array<{ method: 'POST' | 'GET'; url: string }> = [
  { method: 'POST', url: '/api/v1/actions/actions/send' },
  { method: 'POST', url: '/api/v1/devices/:id/frames' },
  { method: 'POST', url: '/api/upload' },
  { method: 'GET', url: '/api/upload/jobs/:id' },
  { method: 'POST', url: '/api/webhook' },
];

/**
 * Local one-origin mode: forward chat and frame routes to their services, streaming the answer
 * through untouched (chat answers are SSE). Bodies pass as raw bytes; the upstream validates.
 */
export async function upstreamProxyRoutes(app: FastifyInstance, opts: UpstreamOptions): Promise<void> {
  await app.register(replyFrom, { undici: { headersTimeout: 0, bodyTimeout: 0 } });
  // Forward any body as bytes: the upstream service parses and validates it.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_req, payload, done) => done(null, payload));

  const forward = (base: string) => (request: FastifyRequest, reply: FastifyReply) =>
    // The request body (a stream, from the parser below) is forwarded as it is.
    reply.from(`${base}${request.url}`, {
      // Keep the browser's Host, as the Ingress does: chat-llm's CSRF check of a cookie session
      // compares the Origin with it (reply-from would send the upstream's host:port).
      rewriteRequestHeaders: (original, headers) => ({
        ...headers,
        host: original.headers.host ?? headers.host,
      }),
      rewriteHeaders: (headers) => ({ ...headers, 'x-accel-buffering': 'no' }),
    });

  if (opts.chatUrl) {
    const toChat = forward(opts.chatUrl);
    app.all('/chats', toChat);
    app.all('/chats/*', toChat);
  }
  if (opts.ingestUrl) {
    const toIngest = forward(opts.ingestUrl);
    for (const route of ingestRoutes) app.route({ ...route, handler: toIngest, bodyLimit: 16 * 1024 * 1024 });
  }
}
