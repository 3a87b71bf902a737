import { createHash, randomBytes } from 'node:crypto';
import type { Principal } from '@sightline/auth';
import type { Scope } from '@sightline/contracts';
import type { JsonBucket } from '@sightline/nats';

interface TicketRecord {
  tenantId: string;
  keyId: string;
  owner: string;
  scopes: Scope[];
  expiresAt: number;
}

const TICKET = /^st_[A-Za-z0-9_-]{43}$/;

/**
 * Short-lived, single-use stream tickets for clients that cannot send headers (EventSource,
 * browser WebSocket). Only the ticket's SHA-256 is stored, in KV `sessions` as `ticket.<hash>`;
 * redeeming deletes it with a compare-and-set on its revision, so exactly one request wins.
 */
export class TicketStore {
  constructor(
    private readonly bucket: JsonBucket<TicketRecord>,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async issue(principal: Principal): Promise<{ ticket: string; expiresAt: number }> {
    const ticket = `st_${randomBytes(32).toString('base64url')}`;
    const expiresAt = this.now() + this.ttlMs;
    const { tenantId, keyId, owner, scopes } = principal;
    await this.bucket.create(keyOf(ticket), { tenantId, keyId, owner, scopes, expiresAt });
    return { ticket, expiresAt };
  }

  /** The principal the ticket was issued to, once; undefined if unknown, used or expired. */
  async redeem(ticket: string): Promise<Principal | undefined> {
    if (!TICKET.test(ticket)) return undefined;
    const key = keyOf(ticket);
    const entry = await this.bucket.getWithRevision(key);
    if (!entry) return undefined;
    try {
      await this.bucket.kv.delete(key, { previousSeq: entry.revision });
    } catch {
      return undefined; // another request redeemed it first
    }
    if (entry.value.expiresAt <= this.now()) return undefined;
    const { tenantId, keyId, owner, scopes } = entry.value;
    return { tenantId, keyId, owner, scopes };
  }

  /**
   * Delete tickets that expired unredeemed (the bucket has no TTL). Any replica may run it; a
   * ticket redeemed meanwhile makes the compare-and-set delete fail harmlessly.
   */
  async purgeExpired(): Promise<number> {
    let purged = 0;
    for (const key of await this.bucket.keys('ticket.*')) {
      const entry = await this.bucket.getWithRevision(key);
      if (!entry || entry.value.expiresAt > this.now()) continue;
      try {
        await this.bucket.kv.delete(key, { previousSeq: entry.revision });
        purged++;
      } catch {
        // redeemed or purged by another replica
      }
    }
    return purged;
  }
}

function keyOf(ticket: string): string {
  return `ticket.${createHash('sha256').update(ticket).digest('hex')}`;
}
