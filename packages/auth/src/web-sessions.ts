import { createHash, randomBytes } from 'node:crypto';
import { buckets, compile, WEB_SESSION_MAX_TTL_MS, WebSession } from '@sightline/contracts';
import { JsonBucket, type NatsConnection } from '@sightline/nats';
import type { Principal } from './control-plane.js';

/** `ss_` + 256 random bits: guessing one is hopeless, and the format is checked before any lookup. */
const SESSION_ID = /^ss_[A-Za-z0-9_-]{43}$/;
const validSession = compile(WebSession);

export interface OpenedSession {
  /** The cookie's value: shown to the browser once, never stored. */
  sessionId: string;
  session: WebSession;
}

/**
 * Browser cookie sessions in KV `web_sessions`, shared by every replica. Only the SHA-256 of a
 * session id is stored, so reading the bucket yields no usable cookie. An entry ends at its
 * `expiresAt`; the bucket's TTL removes it from KV soon after.
 */
export class WebSessions {
  constructor(
    private readonly bucket: JsonBucket<WebSession>,
    private readonly now: () => number = Date.now,
  ) {}

  static async open(nc: NatsConnection): Promise<WebSessions> {
    return new WebSessions(await JsonBucket.open<WebSession>(nc, buckets.webSessions));
  }

  /** A new session for the key behind `principal`, ending at the earlier of `ttlMs` and the key's expiry. */
  async create(principal: Principal, ttlMs: number, keyExpiresAt?: number): Promise<OpenedSession> {
    const sessionId = `ss_${randomBytes(32).toString('base64url')}`;
    const createdAt = this.now();
    const lifetime = Math.min(ttlMs, WEB_SESSION_MAX_TTL_MS);
    const expiresAt = Math.min(createdAt + lifetime, keyExpiresAt ?? Number.POSITIVE_INFINITY);
    const session: WebSession = {
      tenantId: principal.tenantId,
      keyId: principal.keyId,
      createdAt,
      expiresAt,
    };
    await this.bucket.create(storageKey(sessionId), session);
    return { sessionId, session };
  }

  /** The live session of this id; undefined when malformed, unknown, ended or not a session record. */
  async find(sessionId: string): Promise<WebSession | undefined> {
    if (!SESSION_ID.test(sessionId)) return undefined;
    const stored = await this.bucket.get(storageKey(sessionId));
    if (!validSession.check(stored) || stored.expiresAt <= this.now()) return undefined;
    return stored;
  }

  /** Ends the session on every replica (logout). Unknown ids are ignored. */
  async remove(sessionId: string): Promise<void> {
    if (!SESSION_ID.test(sessionId)) return;
    await this.bucket.delete(storageKey(sessionId));
  }
}

function storageKey(sessionId: string): string {
  return createHash('sha256').update(sessionId).digest('hex');
}
