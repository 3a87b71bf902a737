import { requireDevice } from '@sightline/auth';
import { ApiError } from '@sightline/contracts';
import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { SceneStore } from '../adapters/scene-store.js';
import type { RouteContext } from '../deps.js';
import { DeviceCreateBody, DeviceParams, DevicePatchBody, PageQuery } from '../schemas.js';

const READ = ['device:read'] as const;
const WRITE = ['device:write'] as const;

/** Devices of the caller's tenant. Another tenant's device answers 404 exactly like a missing one. */
export function deviceRoutes(app: FastifyInstance, ctx: RouteContext, scenes: SceneStore): void {
  const { control, audit, guard } = ctx;

  app.post<{ Body: Static<typeof DeviceCreateBody> }>(
    '/api/v1/devices',
    { schema: { tags: ['devices'], body: DeviceCreateBody } },
    async (request, reply) => {
      const principal = await guard(request, WRITE);
      if (request.body.deviceId && (await control.getDevice(principal.tenantId, request.body.deviceId))) {
        throw new ApiError('bad_request', `deviceId ${request.body.deviceId} already exists`);
      }
      const device = await control.createDevice(principal.tenantId, request.body);
      await audit.record(principal, {
        action: 'device.create',
        resource: 'device',
        resourceId: device.deviceId,
        changes: Object.keys(request.body),
      });
      return reply.code(201).send(device);
    },
  );

  app.get<{ Querystring: Static<typeof PageQuery> }>(
    '/api/v1/devices',
    { schema: { tags: ['devices'], querystring: PageQuery } },
    async (request) => {
      const principal = await guard(request, READ);
      const { limit = 50, cursor, label } = request.query;
      if (!label) return control.listDevicesPage(principal.tenantId, { limit, cursor });
      // A label filter reads the whole tenant: tenants hold hundreds of cameras, not millions.
      const all = (await control.listDevices(principal.tenantId)).filter((d) => d.labels.includes(label));
      const after = cursor === undefined ? all : all.filter((d) => d.deviceId > cursor);
      const items = after.slice(0, limit);
      return after.length > limit ? { items, nextCursor: items[items.length - 1]!.deviceId } : { items };
    },
  );

  app.get<{ Params: Static<typeof DeviceParams> }>(
    '/api/v1/devices/:id',
    { schema: { tags: ['devices'], params: DeviceParams } },
    async (request) => {
      const principal = await guard(request, READ);
      return requireDevice(control, principal, request.params.id);
    },
  );

  app.patch<{ Params: Static<typeof DeviceParams>; Body: Static<typeof DevicePatchBody> }>(
    '/api/v1/devices/:id',
    { schema: { tags: ['devices'], params: DeviceParams, body: DevicePatchBody } },
    async (request) => {
      const principal = await guard(request, WRITE);
      const device = await control.updateDevice(principal.tenantId, request.params.id, request.body);
      if (!device) return requireDevice(control, principal, request.params.id);
      await audit.record(principal, {
        action: 'device.update',
        resource: 'device',
        resourceId: device.deviceId,
        changes: Object.keys(request.body),
      });
      return device;
    },
  );

  app.delete<{ Params: Static<typeof DeviceParams> }>(
    '/api/v1/devices/:id',
    { schema: { tags: ['devices'], params: DeviceParams } },
    async (request, reply) => {
      const principal = await guard(request, WRITE);
      if (!(await control.deleteDevice(principal.tenantId, request.params.id))) {
        await requireDevice(control, principal, request.params.id);
      }
      await scenes.delete(principal.tenantId, request.params.id);
      await audit.record(principal, {
        action: 'device.delete',
        resource: 'device',
        resourceId: request.params.id,
      });
      return reply.code(204).send();
    },
  );
}
