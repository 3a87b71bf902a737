import { existsSync } from 'node:fs';
import { extname, join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { defaultDistDir } from './paths.js';
import { securityHeaders } from './security-headers.js';

export interface DashboardOptions {
  /** The built dashboard; default packages/dashboard/dist. */
  distDir?: string;
}

/** Paths the SPA never owns: an unknown one there stays a JSON 404 from the API. */
const apiPrefixes = ['/api/', '/ws/', '/chats', '/docs', '/healthz', '/readyz', '/metrics'];

/**
 * Serves the built dashboard at `/`: hashed assets (cached for a year), `index.html` (never
 * cached) at `/` and for any other page path, so deep links work. Encapsulated on purpose: its
 * headers apply only to the dashboard's own responses, not to the API beside it.
 */
export const dashboardPlugin: FastifyPluginAsync<DashboardOptions> = async (app, options) => {
  const root = options.distDir ?? defaultDistDir;
  const index = join(root, 'index.html');
  app.addHook('onRequest', async (request, reply) => {
    void reply.headers(securityHeaders(request.headers.host));
  });
  if (!existsSync(index)) {
    app.log.warn({ root }, 'dashboard not built: run `pnpm --filter @sightline/dashboard build`');
    app.get('/', async (_request, reply) =>
      reply
        .code(503)
        .type('text/plain')
        .send('The dashboard is not built. Run: pnpm --filter @sightline/dashboard build'),
    );
    return;
  }
  await app.register(fastifyStatic, {
    root,
    // One route per built file, so the page fallback below can own every other path.
    wildcard: false,
    index: false,
    cacheControl: false,
    setHeaders: (reply, path) => {
      // Vite names assets by content hash: they never change, everything else may.
      void reply.header(
        'cache-control',
        path.startsWith(join(root, 'assets')) ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
  const sendIndex = (reply: FastifyReply) =>
    reply.header('cache-control', 'no-cache').sendFile('index.html', root);
  app.get('/', async (_request, reply) => sendIndex(reply));
  app.get('/*', async (request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    if (apiPrefixes.some((p) => path.startsWith(p)) || extname(path) !== '') return reply.callNotFound();
    return sendIndex(reply);
  });
};
