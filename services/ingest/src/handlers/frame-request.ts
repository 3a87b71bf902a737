import { ApiError } from '@sightline/contracts';
import type { FastifyRequest } from 'fastify';
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
