import { ApiError, IsoTime } from '@sightline/contracts';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../deps.js';
import { IdParam, strict } from '../schemas.js';
import { publicKey } from './keys.js';

const TenantBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 128 }),
    tenantId: Type.Optional(IdParam),
    /** Owner of the tenant's first admin key. */
    adminOwner: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  },
  strict,
);
const AuditQuery = Type.Object(
  {
    since: Type.Optional(IsoTime),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  },
  strict,
);

/**
 * Tenants are made by a platform admin: an `admin` key of the platform tenant (created with the
 * CLI on a fresh install). Tenant admins manage their own tenant only and cannot create tenants.
 */
export function tenantRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { control, guard, audit, opts } = ctx;

  app.post<{ Body: Static<typeof TenantBody> }>(
    '/api/v1/tenants',
    { schema: { tags: ['tenants'], body: TenantBody } },
    async (request, reply) => {
      const principal = await guard(request, ['admin']);
      if (principal.tenantId !== opts.platformTenantId || !principal.scopes.includes('admin')) {
        throw new ApiError('forbidden', 'creating tenants needs an admin key of the platform tenant');
      }
      const { name, tenantId, adminOwner = 'admin' } = request.body;
      if (tenantId !== undefined && (await control.tenants.get(tenantId))) {
        throw new ApiError('bad_request', `tenant ${tenantId} already exists`);
      }
      const tenant = await control.createTenant(name, tenantId);
      const { record, key } = await control.createApiKey({
        tenantId: tenant.tenantId,
        owner: adminOwner,
        scopes: ['admin'],
        name: 'first admin key',
      });
      await audit.record(principal, {
        action: 'tenant.create',
        resource: 'tenant',
        resourceId: tenant.tenantId,
      });
      return reply.code(201).send({ tenant, adminKey: { ...publicKey(record), key } });
    },
  );

  app.get<{ Querystring: Static<typeof AuditQuery> }>(
    '/api/v1/audit',
    { schema: { tags: ['audit'], querystring: AuditQuery } },
    async (request) => {
      const principal = await guard(request, ['admin']);
      const sinceMs = request.query.since ? Date.parse(request.query.since) : Date.now() - 7 * 86_400_000;
      const items = await audit.recent(principal.tenantId, { sinceMs, limit: request.query.limit ?? 100 });
      return { items };
    },
  );
}
