import { randomBytes, randomUUID } from 'node:crypto';
import { ApiError, type Webhook } from '@sightline/contracts';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../deps.js';
import { IdParams, Label, strict } from '../schemas.js';
import type { WebhookStore } from '../webhooks/store.js';
import { webhookUrlProblem } from '../webhooks/url-policy.js';

const ADMIN = ['admin'] as const;
const WebhookBody = Type.Object(
  {
    url: Type.String({ minLength: 8, maxLength: 2048 }),
    /** Analytic ids to deliver (e.g. SL-ALERT); empty or absent: every event. */
    analytics: Type.Optional(Type.Array(Label, { maxItems: 32, uniqueItems: true })),
  },
  strict,
);

/** Listing never shows the signing secret: it is returned once, at creation. */
const publicHook = ({ secret, ...rest }: Webhook) => rest;

export function webhookRoutes(app: FastifyInstance, ctx: RouteContext, store: WebhookStore): void {
  const { guard, audit, opts } = ctx;
  const requireHook = async (tenantId: string, id: string) => {
    const hook = await store.get(tenantId, id);
    if (!hook) throw new ApiError('not_found', `webhook ${id} not found`);
    return hook;
  };

  app.post<{ Body: Static<typeof WebhookBody> }>(
    '/api/v1/webhooks',
    { schema: { tags: ['webhooks'], body: WebhookBody } },
    async (request, reply) => {
      const principal = await guard(request, ADMIN);
      const problem = webhookUrlProblem(request.body.url, opts.webhooks.allowInsecureUrls);
      if (problem) throw new ApiError('bad_request', problem);
      if ((await store.list(principal.tenantId)).length >= 20) {
        throw new ApiError('bad_request', 'a tenant has at most 20 webhooks');
      }
      const hook: Webhook = {
        webhookId: randomUUID(),
        tenantId: principal.tenantId,
        url: request.body.url,
        analytics: request.body.analytics ?? [],
        secret: `whsec_${randomBytes(32).toString('base64url')}`,
        enabled: true,
        createdAt: Date.now(),
      };
      await store.create(hook);
      await audit.record(principal, {
        action: 'webhook.create',
        resource: 'webhook',
        resourceId: hook.webhookId,
      });
      return reply.code(201).send(hook);
    },
  );

  app.get('/api/v1/webhooks', { schema: { tags: ['webhooks'] } }, async (request) => {
    const principal = await guard(request, ADMIN);
    return { items: (await store.list(principal.tenantId)).map(publicHook) };
  });

  app.delete<{ Params: Static<typeof IdParams> }>(
    '/api/v1/webhooks/:id',
    { schema: { tags: ['webhooks'], params: IdParams } },
    async (request, reply) => {
      const principal = await guard(request, ADMIN);
      await requireHook(principal.tenantId, request.params.id);
      await store.delete(principal.tenantId, request.params.id);
      await audit.record(principal, {
        action: 'webhook.delete',
        resource: 'webhook',
        resourceId: request.params.id,
      });
      return reply.code(204).send();
    },
  );

  app.get<{ Params: Static<typeof IdParams> }>(
    '/api/v1/webhooks/:id/deliveries',
    { schema: { tags: ['webhooks'], params: IdParams } },
    async (request) => {
      const principal = await guard(request, ADMIN);
      await requireHook(principal.tenantId, request.params.id);
      return { items: await store.deliveriesOf(principal.tenantId, request.params.id) };
    },
  );
}
