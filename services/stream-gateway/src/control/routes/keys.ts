import type { ApiKeyRecord } from '@sightline/contracts';
import { ApiError, ScopeSchema } from '@sightline/contracts';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../deps.js';
import { IdParams, strict } from '../schemas.js';

const ADMIN = ['admin'] as const;

const KeyCreateBody = Type.Object(
  {
    owner: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    name: Type.Optional(Type.String({ maxLength: 128 })),
    scopes: Type.Array(ScopeSchema, { minItems: 1, maxItems: 6, uniqueItems: true }),
    /** Lifetime; absent: the key does not expire. */
    ttlSeconds: Type.Optional(Type.Integer({ minimum: 60, maximum: 5 * 365 * 86_400 })),
  },
  strict,
);
const RotateBody = Type.Object(
  { graceSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 7 * 86_400 })) },
  strict,
);

/** What the API shows of a key: never the hash; the prefix is what a user sees in their config. */
export function publicKey(record: ApiKeyRecord) {
  const { hash, ...rest } = record;
  return { ...rest, prefix: `sl_${record.keyId}_` };
}

export function keyRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { control, guard, audit } = ctx;

  app.post<{ Body: Static<typeof KeyCreateBody> }>(
    '/api/v1/keys',
    { schema: { tags: ['keys'], body: KeyCreateBody } },
    async (request, reply) => {
      const principal = await guard(request, ADMIN);
      const { owner = principal.owner, name, scopes, ttlSeconds } = request.body;
      const { record, key } = await control.createApiKey({
        tenantId: principal.tenantId,
        owner,
        scopes,
        ...(name !== undefined ? { name } : {}),
        ...(ttlSeconds ? { ttlMs: ttlSeconds * 1000 } : {}),
      });
      await audit.record(principal, {
        action: 'key.create',
        resource: 'key',
        resourceId: record.keyId,
        changes: scopes,
      });
      // The only response that ever carries the key itself.
      return reply.code(201).send({ ...publicKey(record), key });
    },
  );

  app.get('/api/v1/keys', { schema: { tags: ['keys'] } }, async (request) => {
    const principal = await guard(request, ADMIN);
    return { items: (await control.listApiKeys(principal.tenantId)).map(publicKey) };
  });

  app.delete<{ Params: Static<typeof IdParams> }>(
    '/api/v1/keys/:id',
    { schema: { tags: ['keys'], params: IdParams } },
    async (request, reply) => {
      const principal = await guard(request, ADMIN);
      if (!(await control.revokeApiKey(principal.tenantId, request.params.id))) {
        throw new ApiError('not_found', `key ${request.params.id} not found`);
      }
      await audit.record(principal, { action: 'key.revoke', resource: 'key', resourceId: request.params.id });
      return reply.code(204).send();
    },
  );

  app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof RotateBody> }>(
    '/api/v1/keys/:id/rotate',
    { schema: { tags: ['keys'], params: IdParams, body: RotateBody } },
    async (request, reply) => {
      const principal = await guard(request, ADMIN);
      const graceMs = (request.body?.graceSeconds ?? 0) * 1000;
      const rotated = await control.rotateApiKey(principal.tenantId, request.params.id, graceMs);
      if (!rotated) throw new ApiError('not_found', `key ${request.params.id} not found or no longer active`);
      await audit.record(principal, { action: 'key.rotate', resource: 'key', resourceId: request.params.id });
      return reply
        .code(201)
        .send({ ...publicKey(rotated.record), key: rotated.key, replaces: request.params.id });
    },
  );
}
