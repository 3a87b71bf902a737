import type { KV } from '@nats-io/kv';

export interface LeaseValue {
  owner: string;
  acquiredAt: number;
  renewedAt: number;
}

export const leaseKey = (tenantId: string, deviceId: string) => `pull.${tenantId}.${deviceId}`;

const encode = (v: LeaseValue) => JSON.stringify(v);

/**
 * Pull leases in KV `sessions`, one key per device. The holder renews by a compare-and-set on the
 * revision it wrote last; anyone else judges a lease expired when its revision has not changed for
 * `ttlMs` *as measured on its own clock*, so replicas need no synchronised clocks. Taking over is
 * a CAS on that stale revision, so of several contenders exactly one wins.
 */
export class LeaseKeeper {
  /** Revisions of leases we hold. */
  private readonly held = new Map<string, number>();
  /** Last revision seen of others' leases, and when we first saw it. */
  private readonly seen = new Map<string, { revision: number; since: number }>();

  constructor(
    private readonly kv: KV,
    readonly owner: string,
    private readonly ttlMs: number,
  ) {}

  holds(key: string): boolean {
    return this.held.has(key);
  }

  /** Renew a held lease, or try to take a free or expired one. True when we hold it afterwards. */
  async ensure(key: string, now = Date.now()): Promise<boolean> {
    const held = this.held.get(key);
    if (held !== undefined) return this.renew(key, held, now);
    const entry = await this.kv.get(key);
    if (entry?.operation !== 'PUT' || entry.length === 0) {
      return this.claim(key, now, entry?.revision);
    }
    const seen = this.seen.get(key);
    if (!seen || seen.revision !== entry.revision) {
      this.seen.set(key, { revision: entry.revision, since: now });
      return false;
    }
    if (now - seen.since < this.ttlMs) return false;
    return this.claim(key, now, entry.revision);
  }

  /** Give a lease up (graceful stop): another replica may claim it at once. */
  async release(key: string): Promise<void> {
    const revision = this.held.get(key);
    this.held.delete(key);
    if (revision === undefined) return;
    await this.kv.delete(key, { previousSeq: revision }).catch(() => {});
  }

  /** Forget a lease without touching KV (it was lost, or the device is gone). */
  drop(key: string): void {
    this.held.delete(key);
    this.seen.delete(key);
  }

  private async renew(key: string, revision: number, now: number): Promise<boolean> {
    try {
      const value = { owner: this.owner, acquiredAt: now, renewedAt: now };
      this.held.set(key, await this.kv.update(key, encode(value), revision));
      return true;
    } catch {
      this.held.delete(key);
      return false;
    }
  }

  private async claim(key: string, now: number, revision: number | undefined): Promise<boolean> {
    const value = encode({ owner: this.owner, acquiredAt: now, renewedAt: now });
    try {
      const rev =
        revision === undefined
          ? await this.kv.create(key, value)
          : await this.kv.update(key, value, revision);
      this.held.set(key, rev);
      this.seen.delete(key);
      return true;
    } catch {
      return false;
    }
  }
}
