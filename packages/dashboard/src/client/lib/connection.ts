import { backoffDelay } from './backoff.js';
import { Signal } from './signal.js';

export type LinkState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface LinkStatus {
  state: LinkState;
  /** Why the last attempt failed, for the connection indicator's tooltip. */
  detail?: string;
  /** Unix ms of the next attempt while reconnecting. */
  retryAt?: number;
}

/**
 * Runs `connect` until stopped: each attempt resolves when its connection has ended; on failure
 * or loss the next attempt waits seed 002's exponential backoff. An attempt that opened resets it.
 */
export class ReconnectLoop {
  readonly status = new Signal<LinkStatus>({ state: 'connecting' });
  private stopped = false;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closeCurrent: (() => void) | undefined;

  constructor(
    private readonly connect: (opened: () => void, ended: (why: string) => void) => Promise<() => void>,
  ) {}

  start(): this {
    void this.run();
    return this;
  }

  private async run(): Promise<void> {
    if (this.stopped) return;
    this.status.set({ state: this.attempt === 0 ? 'connecting' : 'reconnecting' });
    let ended = false;
    const onEnded = (why: string) => {
      if (ended || this.stopped) return;
      ended = true;
      this.closeCurrent?.();
      this.closeCurrent = undefined;
      this.schedule(why);
    };
    try {
      this.closeCurrent = await this.connect(() => {
        this.attempt = 0;
        this.status.set({ state: 'open' });
      }, onEnded);
      if (this.stopped) this.closeCurrent();
    } catch (err) {
      onEnded(err instanceof Error ? err.message : String(err));
    }
  }

  private schedule(why: string): void {
    const delay = backoffDelay(this.attempt++);
    this.status.set({ state: 'reconnecting', detail: why, retryAt: Date.now() + delay });
    this.timer = setTimeout(() => void this.run(), delay);
  }

  /** The transport is retrying by itself (EventSource does): show it, without a second retry of ours. */
  retryingNatively(detail: string): void {
    if (!this.stopped) this.status.set({ state: 'reconnecting', detail });
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.closeCurrent?.();
    this.status.set({ state: 'closed' });
  }
}
