/** Something a registry can share: started once, stopped after its last user left. */
export interface Shared {
  start(): Promise<void>;
  stop(): void;
}

interface Entry<H> {
  hub: H;
  users: number;
  ready: Promise<void>;
  linger?: NodeJS.Timeout;
}

/**
 * One hub per key per process (e.g. "analysis device <tenant> <device>"), shared by all its
 * clients. A hub whose last client left lingers a little so a reconnecting client reuses it.
 */
export class HubRegistry<H extends Shared> {
  private readonly entries = new Map<string, Entry<H>>();

  constructor(
    private readonly lingerMs: number,
    private readonly onCountChange: (count: number) => void = () => {},
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** The started hub for the key; call `release(key)` exactly once when done with it. */
  async acquire(key: string, create: () => H): Promise<H> {
    let entry = this.entries.get(key);
    if (!entry) {
      const hub = create();
      entry = { hub, users: 0, ready: hub.start() };
      this.entries.set(key, entry);
      this.onCountChange(this.entries.size);
      entry.ready.catch(() => this.remove(key, entry!));
    }
    if (entry.linger) clearTimeout(entry.linger);
    entry.linger = undefined;
    entry.users++;
    try {
      await entry.ready;
    } catch (err) {
      entry.users--;
      throw err;
    }
    return entry.hub;
  }

  release(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    entry.users--;
    if (entry.users > 0) return;
    if (this.lingerMs === 0) {
      this.remove(key, entry);
      return;
    }
    entry.linger = setTimeout(() => this.remove(key, entry), this.lingerMs);
    entry.linger.unref();
  }

  stopAll(): void {
    for (const [key, entry] of this.entries) this.remove(key, entry);
  }

  private remove(key: string, entry: Entry<H>): void {
    if (this.entries.get(key) !== entry) return;
    if (entry.linger) clearTimeout(entry.linger);
    this.entries.delete(key);
    entry.hub.stop();
    this.onCountChange(this.entries.size);
  }
}
