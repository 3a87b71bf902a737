import { requireDevice } from '@sightline/auth';
import { ApiError, Scene } from '@sightline/contracts';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { SceneStore } from '../adapters/scene-store.js';
import type { RouteContext } from '../deps.js';
import { sceneError } from '../domain/scene-rules.js';
import { DeviceParams, strict } from '../schemas.js';

const { tenantId, deviceId, sceneId, version, updatedAt, frame, ...editable } = Scene.properties;

/** The PUT body: the scene's editable fields, with the frame size every point is checked against. */
export const SceneBody = Type.Object(
  {
    ...editable,
    frame: Type.Object(
      {
        width: Type.Integer({ minimum: 1, maximum: 16384 }),
        height: Type.Integer({ minimum: 1, maximum: 16384 }),
      },
      strict,
    ),
  },
  strict,
);

export function sceneRoutes(app: FastifyInstance, ctx: RouteContext, scenes: SceneStore): void {
  const { control, guard, audit } = ctx;

  app.get<{ Params: Static<typeof DeviceParams> }>(
    '/api/v1/devices/:id/scene',
    { schema: { tags: ['scenes'], params: DeviceParams } },
    async (request) => {
      const principal = await guard(request, ['device:read']);
      const device = await requireDevice(control, principal, request.params.id);
      return scenes.get(principal.tenantId, device.deviceId, device.sceneId);
    },
  );

  app.put<{ Params: Static<typeof DeviceParams>; Body: Static<typeof SceneBody> }>(
    '/api/v1/devices/:id/scene',
    { schema: { tags: ['scenes'], params: DeviceParams, body: SceneBody } },
    async (request) => {
      const principal = await guard(request, ['device:write']);
      const device = await requireDevice(control, principal, request.params.id);
      const problem = sceneError(request.body);
      if (problem) throw new ApiError('bad_request', problem);
      const scene = await scenes.put(principal.tenantId, device.deviceId, device.sceneId, request.body);
      await audit.record(principal, {
        action: 'scene.update',
        resource: 'scene',
        resourceId: device.deviceId,
        changes: Object.keys(request.body),
      });
      return scene;
    },
  );
}
