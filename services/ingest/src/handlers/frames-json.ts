import { compile, FramePush } from '@sightline/contracts';
import type { FastifyInstance } from 'fastify';
import { FrameRejection } from '../adapters/image-normalizer.js';
import type { IngestContext } from '../context.js';
import { base64DecodedLength, decodeBase64 } from '../domain/image-format.js';
import { frameIdOf, refuseOversized } from './frame-request.js';
import { deviceFor, principalOf, requireAuth } from './request-auth.js';

const framePush = compile(FramePush);

/** JSON room for one base64 frame at the limit, plus the other fields. */
export function jsonBodyLimit(maxFrameBytes: number): number {
  return Math.ceil((maxFrameBytes * 4) / 3) + 64 * 1024;
}

/** Base64 text → image bytes: 413 above the limit (checked before decoding), 400 when not base64. */
export function decodeFrameText(text: string, maxBytes: number): Buffer {
  if (base64DecodedLength(text) > maxBytes + 2) {
    throw new FrameRejection('too_large', 'payload_too_large', `frame is larger than ${maxBytes} bytes`);
  }
  const bytes = decodeBase64(text);
  if (!bytes || bytes.length === 0)
    throw new FrameRejection('bad_base64', 'bad_request', '"frame" is not valid base64');
  return bytes;
}

/** `POST /api/v1/actions/actions/send`: the seed 002 JSON body with a base64 frame. */
export async function jsonFrameRoutes(app: FastifyInstance, ctx: IngestContext): Promise<void> {
  app.post(
    '/api/v1/actions/actions/send',
    {
      onRequest: [
        requireAuth(ctx, ['frames:write']),
        refuseOversized(jsonBodyLimit(ctx.config.MAX_FRAME_BYTES)),
      ],
      bodyLimit: jsonBodyLimit(ctx.config.MAX_FRAME_BYTES),
      config: { source: 'json' },
    },
    async (request, reply) => {
      if (!/^application\/json\b/i.test(request.headers['content-type'] ?? '')) {
        throw new FrameRejection('content_type', 'unsupported_media_type', 'send application/json');
      }
      if (!framePush.check(request.body)) {
        throw new FrameRejection(
          'bad_body',
          'bad_request',
          `invalid body: ${framePush.errors(request.body).join('; ')}`,
        );
      }
      const body = request.body;
      const principal = principalOf(request);
      const device = await deviceFor(ctx, principal, body.camera_id);
      const bytes = decodeFrameText(body.frame, ctx.config.MAX_FRAME_BYTES);
      const result = await ctx.intake.accept({
        device,
        bytes,
        source: 'json',
        ...frameIdOf(request, device.tenantId, device.deviceId),
        rawTimestamp: body.timestamp,
      });
      return reply.code(202).send(result);
    },
  );
}
