import { ApiError } from '@sightline/contracts';
import type { FastifyRequest, onRequestHookHandler } from 'fastify';
import { FrameRejection } from '../adapters/image-normalizer.js';
import { frameIdFor, isValidClientKey } from '../domain/frame-id.js';

/** The client's idempotency key: `Idempotency-Key` or `X-Frame-Id`; 400 when malformed. */
export function clientKeyOf(request: FastifyRequest): string | undefined {
  const raw = request.headers['idempotency-key'] ?? request.headers['x-frame-id'];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !isValidClientKey(raw)) {
    throw new ApiError(
      'bad_request',
      'Idempotency-Key / X-Frame-Id must be 1–200 printable ASCII characters',
    );
  }
  return raw;
}

/** Frame id from the idempotency key (stable across retries) or a fresh UUID. */
export function frameIdOf(request: FastifyRequest, tenantId: string, deviceId: string) {
  const key = clientKeyOf(request);
  return { frameId: frameIdFor(tenantId, deviceId, key), clientNamed: key !== undefined };
}

/** `X-Frame-Timestamp` header, else `?timestamp=`; validated by the intake. */
export function rawTimestampOf(request: FastifyRequest): unknown {
  const header = request.headers['x-frame-timestamp'];
  if (header !== undefined) return header;
  return (request.query as { timestamp?: unknown } | undefined)?.timestamp;
}

/**
 * onRequest hook: a declared body over `limit` bytes is refused with 413 before it is read.
 * Fastify's own body limit answers with `Connection: close` and drops the socket while a camera
 * may still be uploading, so the camera sees a broken pipe instead of the 413; refused here, the
 * answer goes out and Node reads the rest of the body away, so the client gets its error. A body
 * declared more than 4× over the limit is not worth reading: that answer closes the connection.
 */
export function refuseOversized(limit: number): onRequestHookHandler {
  return async (request) => {
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      throw new FrameRejection(
        'too_large',
        'payload_too_large',
        `body is ${declared} bytes; the limit is ${limit}`,
        declared > 4 * limit ? { Connection: 'close' } : {},
      );
    }
  };
}
