import { createHash, randomUUID } from 'node:crypto';

const CLIENT_KEY = /^[\x21-\x7e]{1,200}$/;

/**
 * The frame id, also its Nats-Msg-Id. A client's idempotency key is hashed with its tenant and
 * device so two tenants using the same key never collide in FRAMES' duplicate window, and a
 * retry of the same request maps to the same id. Without a key, a random UUID.
 */
export function frameIdFor(tenantId: string, deviceId: string, clientKey: string | undefined): string {
  if (clientKey === undefined) return randomUUID();
  return createHash('sha256').update(`${tenantId}\n${deviceId}\n${clientKey}`).digest('hex').slice(0, 32);
}

/** Printable ASCII, no spaces, at most 200 characters. */
export function isValidClientKey(key: string): boolean {
  return CLIENT_KEY.test(key);
}
