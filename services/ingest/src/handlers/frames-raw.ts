import type { FastifyInstance } from 'fastify';
import { FrameRejection } from '../adapters/image-normalizer.js';
import type { IngestContext } from '../context.js';
import { frameIdOf, rawTimestampOf, refuseOversized } from './frame-request.js';
import { deviceOf, requireAuth } from './request-auth.js';

/** `POST /api/v1/devices/:id/frames`: a raw image/jpeg (or image/png) body. */
export async function rawFrameRoutes(app: FastifyInstance, ctx: IngestContext): Promise<void> {
  // Only this scope reads images as Buffers, limited to one frame.
  app.addContentTypeParser(
    ['image/jpeg', 'image/png'],
    { parseAs: 'buffer', bodyLimit: ctx.config.MAX_FRAME_BYTES },
    (_request, body, done) => done(null, body),
  );

  app.post(
    '/api/v1/devices/:id/frames',
    {
      onRequest: [requireAuth(ctx, ['frames:write'], true), refuseOversized(ctx.config.MAX_FRAME_BYTES)],
      config: { source: 'http' },
    },
    async (request, reply) => {
      const device = deviceOf(request);
      if (!Buffer.isBuffer(request.body)) {
        throw new FrameRejection(
          'content_type',
          'unsupported_media_type',
          'send the frame as image/jpeg or image/png',
        );
      }
      const result = await ctx.intake.accept({
        device,
        bytes: request.body,
        source: 'http',
        ...frameIdOf(request, device.tenantId, device.deviceId),
        rawTimestamp: rawTimestampOf(request),
      });
      return reply.code(202).send(result);
    },
  );
}
