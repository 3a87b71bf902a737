import type { ControlPlane } from '@sightline/auth';
import type { FastifyInstance } from 'fastify';
import { FrameSender } from '../adapters/frame-sender.js';
import type { LiveStreams } from '../adapters/live-streams.js';
import type { wsAuth } from '../adapters/ws-auth.js';
import { refuse, type WsSockets } from '../adapters/ws-sockets.js';
import type { GatewayConfig } from '../config.js';
import { closeCodes } from '../domain/ws-close.js';
import type { GatewayMetrics } from '../metrics.js';
import { whenClosed } from './when-closed.js';

export interface WsLiveDeps {
  control: ControlPlane;
  auth: ReturnType<typeof wsAuth>;
  live: LiveStreams;
  sockets: WsSockets;
  metrics: GatewayMetrics;
  config: GatewayConfig;
}

/** Seed 002: `/ws/stream/:cameraId` sends the camera's FrameData messages as they come. */
export async function wsLiveRoutes(app: FastifyInstance, deps: WsLiveDeps): Promise<void> {
  app.get<{ Params: { cameraId: string } }>(
    '/ws/stream/:cameraId',
    { websocket: true, preValidation: deps.auth.preValidation },
    async (socket, request) => {
      deps.sockets.track(socket, 'ws_live');
      const principal = await deps.auth.principalOf(socket, request);
      if (!principal) return;
      const device = await deps.control.getDevice(principal.tenantId, request.params.cameraId);
      if (!device) return refuse(socket, closeCodes.notFound, `camera ${request.params.cameraId} not found`);
      const sender = new FrameSender(
        socket,
        deps.config.WS_MAX_FRAMES_IN_FLIGHT,
        () => deps.metrics.delivered('ws_live'),
        () => deps.metrics.slowClients.inc({ transport: 'ws_live', action: 'drop' }),
      );
      const stop = await deps.live.watch(principal.tenantId, [device.deviceId], {
        onFrame: (frame) => sender.send(frame.text),
      });
      whenClosed(socket, stop);
    },
  );
}
