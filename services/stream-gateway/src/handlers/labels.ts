import type { ControlPlane } from '@sightline/auth';
import type { FastifyInstance } from 'fastify';
import { FrameSender } from '../adapters/frame-sender.js';
import type { LiveFrame } from '../adapters/live-hub.js';
import type { LiveStreams } from '../adapters/live-streams.js';
import type { Principals } from '../adapters/principals.js';
import type { PerMinuteLimit } from '../adapters/rate-limit.js';
import type { wsAuth } from '../adapters/ws-auth.js';
import { refuse, type WsSockets } from '../adapters/ws-sockets.js';
import type { GatewayConfig } from '../config.js';
import { cameraImageMessage, distinctLabels, labelImagesMessage } from '../domain/label-messages.js';
import { closeCodes } from '../domain/ws-close.js';
import type { GatewayMetrics, Transport } from '../metrics.js';
import { whenClosed } from './when-closed.js';

export interface LabelDeps {
  control: ControlPlane;
  principals: Principals;
  auth: ReturnType<typeof wsAuth>;
  live: LiveStreams;
  sockets: WsSockets;
  metrics: GatewayMetrics;
  config: GatewayConfig;
  labelsLimit: PerMinuteLimit;
}

/** Seed 003: `GET /api/labels`, WS `/api/ws/labels/:label`, WS `/api/ws/stream/:label/:key`. */
export async function labelRoutes(app: FastifyInstance, deps: LabelDeps): Promise<void> {
  app.get('/api/labels', async (request) => {
    const principal = await deps.principals.ofRequest(request);
    deps.labelsLimit.take(principal.keyId);
    return { labels: distinctLabels(await deps.control.listDevices(principal.tenantId)) };
  });

  const sender = (socket: Parameters<typeof refuse>[0], transport: Transport) =>
    new FrameSender(
      socket,
      deps.config.WS_MAX_FRAMES_IN_FLIGHT,
      () => deps.metrics.delivered(transport),
      () => deps.metrics.slowClients.inc({ transport, action: 'drop' }),
    );

  app.get<{ Params: { label: string } }>(
    '/api/ws/labels/:label',
    { websocket: true, preValidation: deps.auth.preValidation },
    async (socket, request) => {
      deps.sockets.track(socket, 'ws_labels');
      const principal = await deps.auth.principalOf(socket, request);
      if (!principal) return;
      const { label } = request.params;
      const devices = (await deps.control.listDevices(principal.tenantId)).filter((d) =>
        d.labels.includes(label),
      );
      if (devices.length === 0) return refuse(socket, closeCodes.notFound, `label ${label} not found`);
      const out = sender(socket, 'ws_labels');
      const cacheKey = `label:${label}`;
      const onFrame = (f: LiveFrame) => {
        out.send(cached(f, cacheKey, () => labelImagesMessage(label, f.deviceId, f.frame)));
      };
      const ids = devices.map((d) => d.deviceId);
      whenClosed(socket, await deps.live.watch(principal.tenantId, ids, { onFrame }));
    },
  );

  app.get<{ Params: { label: string; key: string } }>(
    '/api/ws/stream/:label/:key',
    { websocket: true, preValidation: deps.auth.preValidation },
    async (socket, request) => {
      deps.sockets.track(socket, 'ws_label_stream');
      const principal = await deps.auth.principalOf(socket, request);
      if (!principal) return;
      const { label, key } = request.params;
      const device = await deps.control.getDevice(principal.tenantId, key);
      if (!device?.labels.includes(label)) {
        return refuse(socket, closeCodes.notFound, `camera ${key} with label ${label} not found`);
      }
      const out = sender(socket, 'ws_label_stream');
      const onFrame = (f: LiveFrame) => {
        out.send(cached(f, 'camera', () => cameraImageMessage(`${f.frame.timestamp}-${f.n}`, f.frame)));
      };
      whenClosed(socket, await deps.live.watch(principal.tenantId, [device.deviceId], { onFrame }));
    },
  );
}

/** A frame's message in one shape, built once however many sockets send it. */
function cached(frame: LiveFrame, key: string, build: () => string): string {
  let text = frame.cache.get(key);
  if (text === undefined) {
    text = build();
    frame.cache.set(key, text);
  }
  return text;
}
