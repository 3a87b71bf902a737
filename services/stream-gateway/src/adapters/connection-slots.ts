import { createHash } from 'node:crypto';
import type { JsonBucket } from '@sightline/nats';

interface SlotRecord {
  instance: string;
  /** Unix ms after which the slot counts as free (its replica stopped refreshing it). */
  expiresAt: number;
}

export interface HeldSlot {
  key: string;
  revision: number;
}

export interface SlotOptions {
  bucket: JsonBucket<SlotRecord>;
  instance: string;
  maxPerUser: number;
  ttlMs: number;
  now?: () => number;
}

/**
 * Per-user connection limit shared by every replica, in KV `sessions`: a user owns slot keys
 * `sse.<tenant>.<owner hash>.<0..max-1>`. Taking a slot is one atomic KV create (or a
 * compare-and-set over an expired slot), so two replicas can never hand out the same one. Held
 * slots are refreshed by their replica; a crashed replica's slots expire after `ttlMs`.
 */
export class ConnectionSlots {
  private readonly now: () => number;

  constructor(private readonly options: SlotOptions) {
    this.now = options.now ?? Date.now;
  }

  static userPrefix(tenantId: string, owner: string): string {
    const ownerHash = createHash('sha256').update(owner).digest('hex').slice(0, 24);
    return `sse.${tenantId}.${ownerHash}`;
  }

  /** A free slot of this user, or undefined when all are held. */
  async acquire(tenantId: string, owner: string): Promise<HeldSlot | undefined> {
    const prefix = ConnectionSlots.userPrefix(tenantId, owner);
    const max = this.options.maxPerUser;
    // Probe from a random slot: with a large limit, a free one is found in a few tries.
    const offset = Math.floor(Math.random() * max);
    for (let i = 0; i < max; i++) {
      const held = await this.tryTake(`${prefix}.${(offset + i) % max}`);
      if (held) return held;
    }
    return undefined;
  }

  /** Push the expiry forward; false when the slot was lost (taken as expired by another replica). */
  async refresh(slot: HeldSlot): Promise<boolean> {
    try {
      slot.revision = await this.options.bucket.update(slot.key, this.record(), slot.revision);
      return true;
    } catch {
      return false;
    }
  }

  /** Free the slot, unless another replica has taken it over meanwhile. */
  async release(slot: HeldSlot): Promise<void> {
    await this.options.bucket.kv.delete(slot.key, { previousSeq: slot.revision }).catch(() => undefined);
  }

  private async tryTake(key: string): Promise<HeldSlot | undefined> {
    const { bucket } = this.options;
    try {
      return { key, revision: await bucket.create(key, this.record()) };
    } catch {
      // Held: take it only if its replica stopped refreshing it.
    }
    const current = await bucket.getWithRevision(key);
    if (!current || current.value.expiresAt > this.now()) return undefined;
    try {
      return { key, revision: await bucket.update(key, this.record(), current.revision) };
    } catch {
      return undefined;
    }
  }

  private record(): SlotRecord {
    return { instance: this.options.instance, expiresAt: this.now() + this.options.ttlMs };
  }
}
