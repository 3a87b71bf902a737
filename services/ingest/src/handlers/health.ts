import type { FastifyInstance } from 'fastify';
import type { HealthStore } from '../adapters/health-publisher.js';
import type { IngestContext } from '../context.js';
import { DeviceStats } from '../domain/health.js';
import { deviceOf, requireAuth } from './request-auth.js';

/**
 * `GET /api/v1/devices/:id/health`: this replica's live figures when it handles the device,
 * else the last ones any replica wrote to KV, else an empty (unusable) record.
 */
export async function healthRoutes(
  app: FastifyInstance,
  ctx: IngestContext,
  store: HealthStore,
): Promise<void> {
  app.get(
    '/api/v1/devices/:id/health',
    { onRequest: requireAuth(ctx, ['device:read', 'frames:write'], true), config: { source: 'health' } },
    async (request) => {
      const device = deviceOf(request);
      const now = Date.now();
      const local = ctx.health.find(device.tenantId, device.deviceId);
      if (local) return local.snapshot(now);
      const stored = await store.read(device.tenantId, device.deviceId);
      if (stored)
        return {
          ...stored,
          lastFrameAgeSec: stored.lastFrameAt === null ? null : (now - stored.lastFrameAt) / 1000,
        };
      return new DeviceStats(device.tenantId, device.deviceId, device.detectFps).snapshot(now);
    },
  );
}
