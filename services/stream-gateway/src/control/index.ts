import { AuditLog } from '@sightline/auth';
import type { FastifyInstance } from 'fastify';
import { SceneStore } from './adapters/scene-store.js';
import { type ControlPlaneDeps, type RouteContext, resolveOptions } from './deps.js';
import { createGuard } from './guard.js';
import { registerOpenApi } from './openapi.js';
import { deviceRoutes } from './routes/devices.js';
import { keyRoutes } from './routes/keys.js';
import { readModelRoutes } from './routes/read-models.js';
import { sceneRoutes } from './routes/scenes.js';
import { tenantRoutes } from './routes/tenants.js';
import { webhookRoutes } from './routes/webhooks.js';
import { startWebhookDispatcher } from './webhooks/dispatcher.js';
import { WebhookStore } from './webhooks/store.js';

export type { ControlPlaneDeps, ControlPlaneOptions } from './deps.js';

/**
 * The control-plane REST API (`/api/v1/...`) as an encapsulated fastify plugin: its rate limits,
 * body limit and hooks apply to its own routes only. Register with
 * `app.register(controlPlanePlugin, deps)`.
 */
export async function controlPlanePlugin(app: FastifyInstance, deps: ControlPlaneDeps): Promise<void> {
  const opts = resolveOptions(deps.options);
  const { guard, limitIp } = createGuard(deps, opts);
  const ctx: RouteContext = { ...deps, audit: new AuditLog(deps.js), opts, guard };

  if (opts.docs) await registerOpenApi(app);
  app.addHook('onRoute', (route) => {
    route.bodyLimit ??= opts.bodyLimit;
  });
  app.addHook('onRequest', limitIp);

  const scenes = await SceneStore.open(deps.nc);
  deviceRoutes(app, ctx, scenes);
  sceneRoutes(app, ctx, scenes);
  keyRoutes(app, ctx);
  tenantRoutes(app, ctx);
  await readModelRoutes(app, ctx);
  const hooks = await WebhookStore.open(deps.nc);
  webhookRoutes(app, ctx, hooks);
  if (opts.webhooks.dispatch) {
    const loop = await startWebhookDispatcher(deps, hooks, opts.webhooks);
    app.addHook('onClose', async () => loop.stop());
  }
}
