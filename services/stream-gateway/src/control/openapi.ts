import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

/** OpenAPI 3 from the routes' own TypeBox schemas; JSON at /docs/json, the UI at /docs. */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Sightline control-plane API',
        version: '1',
        description:
          'Tenants, API keys, devices, scenes, read models, webhooks and audit. Authenticate with ' +
          '`Authorization: Bearer sl_<keyId>_<secret>`, or in a browser with the session cookie ' +
          'from `POST /api/v1/sessions` (state-changing requests then need an allowed `Origin`). ' +
          'Errors are `{"error":{"code","message"}}`.',
      },
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'sl_<keyId>_<secret>' },
          // `sl_session` where SESSION_COOKIE_SECURE=false (plain-http local stacks).
          sessionCookie: { type: 'apiKey', in: 'cookie', name: '__Host-sl_session' },
        },
      },
      security: [{ apiKey: [] }, { sessionCookie: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
}
