/**
 * Runs tasks one after another per key and side by side across keys. Keyed by device, it keeps a
 * device's outputs in frame order while one of its frames waits (for event images), and lets the
 * other devices go on meanwhile.
 */
export class KeyedSerialQueue {
  /** The last task queued per key; settles (never rejects) when it is done. */
  private readonly tails = new Map<string, Promise<void>>();

  /** Whether a task of this key is queued or running: a later one must queue behind it. */
  busy(key: string): boolean {
    return this.tails.has(key);
  }

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}
