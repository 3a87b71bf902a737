/** A frame's place in its device's line: wait for `ready` before publishing, call `done` after. */
export interface Turn {
  /** Resolves once every earlier frame of the same key is done (published, dropped or failed). */
  ready: Promise<void>;
  done(): void;
}

/**
 * Keeps a device's outputs in the order its frames were pulled while frames of several devices
 * (and several of one device) are decoded and detected side by side. A turn is taken when a frame
 * arrives, in stream order; only the publishing waits, so a later frame's decode and detection
 * still overlap an earlier one's. An earlier turn never waits for a later one, so the line always
 * moves as long as every turn is ended with `done`.
 */
export class Turns {
  /** The `ready` a new turn of the key would wait for: the end of its last turn. */
  private readonly tails = new Map<string, Promise<void>>();

  enter(key: string): Turn {
    const ready = this.tails.get(key) ?? Promise.resolve();
    let end!: () => void;
    const ended = new Promise<void>((resolve) => {
      end = resolve;
    });
    // The end of this turn is what the next one waits for, and not before its own predecessors.
    const tail = ready.then(() => ended);
    this.tails.set(key, tail);
    let finished = false;
    return {
      ready,
      done: () => {
        if (finished) return;
        finished = true;
        end();
        void tail.then(() => {
          if (this.tails.get(key) === tail) this.tails.delete(key);
        });
      },
    };
  }

  /** Keys with a turn still open (for tests: the map must not grow with devices seen). */
  get openKeys(): number {
    return this.tails.size;
  }
}
