import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * API keys look like `sl_<keyId>_<secret>`: the key id finds the record without a scan; only
 * the SHA-256 of the whole key is stored. A 256-bit random secret needs no slow hash.
 */
const KEY_PATTERN = /^sl_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function generateApiKey(): { keyId: string; key: string; hash: string } {
  const keyId = randomBytes(8).toString('hex');
  const key = `sl_${keyId}_${randomBytes(32).toString('base64url')}`;
  return { keyId, key, hash: hashKey(key) };
}

export function parseApiKey(key: string): { keyId: string } | undefined {
  const m = KEY_PATTERN.exec(key);
  return m ? { keyId: m[1]! } : undefined;
}

/** Constant-time comparison of two hex digests. */
export function sameHash(a: string, b: string): boolean {
  const ba = Buffer.from(a, 'hex');
  const bb = Buffer.from(b, 'hex');
  return ba.length === bb.length && timingSafeEqual(ba, bb);
}
