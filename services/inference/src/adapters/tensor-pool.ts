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
