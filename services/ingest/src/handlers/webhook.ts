import { compile, DetectionBatch, partitionOf, subjects } from '@sightline/contracts';
import { publishJson } from '@sightline/nats';
import type { FastifyInstance } from 'fastify';
import { FrameRejection } from '../adapters/image-normalizer.js';
import type { IngestContext } from '../context.js';
import { EdgeDetectionPost, toDetectionBatch } from '../domain/edge-detections.js';
import { frameIdFor } from '../domain/frame-id.js';
import { checkTimestamp } from '../domain/timestamp.js';
import { clientKeyOf } from './frame-request.js';
import { deviceFor, principalOf, requireAuth } from './request-auth.js';

const edgePost = compile(EdgeDetectionPost);
const batchCheck = compile(DetectionBatch);

/** `POST /api/webhook`: detections from an edge device go straight to DETECTIONS, skipping inference. */
export async function webhookRoutes(app: FastifyInstance, ctx: IngestContext): Promise<void> {
  app.post(
    '/api/webhook',
    { onRequest: requireAuth(ctx, ['frames:write']), bodyLimit: 1024 * 1024, config: { source: 'webhook' } },
    async (request, reply) => {
      if (!/^application\/json\b/i.test(request.headers['content-type'] ?? '')) {
        throw new FrameRejection('content_type', 'unsupported_media_type', 'send application/json');
      }
      const body = request.body;
      if (!edgePost.check(body))
        throw new FrameRejection(
          'bad_body',
          'bad_request',
          `invalid body: ${edgePost.errors(body).join('; ')}`,
        );
      const deviceId = body.deviceId ?? body.camera_id;
      if (!deviceId)
        throw new FrameRejection('bad_body', 'bad_request', 'name the device in "deviceId" (or "camera_id")');
      const device = await deviceFor(ctx, principalOf(request), deviceId);
      const now = Date.now();
      const ts = checkTimestamp(body.timestamp, now, {
        maxFutureMs: ctx.config.TIMESTAMP_MAX_FUTURE_MS,
        maxAgeMs: ctx.config.TIMESTAMP_MAX_AGE_MS,
      });
      if (!ts.ok) throw new FrameRejection('bad_timestamp', 'bad_request', ts.reason);
      const frameId = frameIdFor(device.tenantId, device.deviceId, clientKeyOf(request) ?? body.frameId);
      const batch = toDetectionBatch(
        body,
        { frameId, tenantId: device.tenantId, deviceId: device.deviceId },
        ts.capturedAt,
        now,
      );
      if (!batchCheck.check(batch))
        throw new FrameRejection('bad_body', 'bad_request', batchCheck.errors(batch).join('; '));
      const subject = subjects.detections(partitionOf(device.deviceId), device.tenantId, device.deviceId);
      const ack = await publishJson(ctx.runtime.js, subject, batch, { msgId: frameId }).catch(() => {
        throw new FrameRejection('publish_failed', 'unavailable', 'detections could not be stored; retry', {
          'Retry-After': '1',
        });
      });
      if (!ack.duplicate) ctx.metrics.webhookBatches.inc();
      ctx.health.get(device.tenantId, device.deviceId, device.detectFps).frameReceived(now, 'webhook');
      return reply.code(202).send({
        frameId,
        deviceId: device.deviceId,
        acceptedAt: now,
        detections: batch.detections.length,
        ...(ack.duplicate ? { duplicate: true } : {}),
      });
    },
  );
}
