/** Runs tasks one at a time in call order: one session.run at a time uses the thread budget fully. */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

/** Float32 tensors reused across frames; one per frame in flight. */
export class TensorPool {
  private readonly free: Float32Array[] = [];

  constructor(private readonly size: number) {}

  acquire(): Float32Array {
    return this.free.pop() ?? new Float32Array(this.size);
  }

  release(buffer: Float32Array): void {
    this.free.push(buffer);
  }
}
