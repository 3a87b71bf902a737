/** What can be held back and flushed: a socket, or an HTTP response (it corks its socket). */
export interface Corkable {
  cork(): void;
  uncork(): void;
  /** Bytes written but not yet handed to the kernel (held ones included). */
  readonly writableLength: number;
}

/** Held writes of one turn go out early once they reach this much (see `wrote`). */
const FLUSH_AT_BYTES = 64 * 1024;

/**
 * Holds each stream's writes until the end of this turn of the event loop, then flushes every held
 * stream at once. A hub hands out all the events of one NATS read in the same turn, so a client
 * gets them in one write (one syscall) instead of one each: at hundreds of events a second to
 * thousands of clients, the syscalls are what the fan-out costs. Adds well under a millisecond.
 */
export class WriteCoalescer {
  private held = new Set<Corkable>();
  private scheduled = false;

  /** Call before writing: the first call of a turn corks the stream until the flush. */
  hold(stream: Corkable): void {
    if (this.held.has(stream)) return;
    stream.cork();
    this.held.add(stream);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /**
   * Call after writing: once a held stream has 64 KB waiting it is flushed now, before the turn
   * ends. A burst (a replay) must reach the socket as it grows, or the bytes held here would look
   * like a client that does not read.
   */
  wrote(stream: Corkable): void {
    if (stream.writableLength >= FLUSH_AT_BYTES) this.flushNow(stream);
  }

  /** Flush one stream now. */
  flushNow(stream: Corkable): void {
    if (this.held.delete(stream)) stream.uncork();
  }

  private flush(): void {
    const held = this.held;
    this.held = new Set();
    this.scheduled = false;
    for (const stream of held) stream.uncork();
  }
}

/** The process's one coalescer: one flush a turn for every client. */
export const writeCoalescer = new WriteCoalescer();
