import { Worker } from 'node:worker_threads';
import type { Outputs } from '../domain/decoders/types.js';
import type { ModelSpec } from '../domain/model-registry.js';
import { modelShapeProblem, type TensorShape } from '../domain/model-shapes.js';
import {
  existingModelFile,
  type ModelRunner,
  misfit,
  ortSessionOptions,
  type SessionOptions,
  unloadable,
} from './onnx-model.js';

const WORKER = new URL('./session-worker.mjs', import.meta.url);

/** What session-worker.mjs answers. */
type WorkerReply =
  | { kind: 'ready'; loadMs: number; inputs: TensorShape[]; outputs: TensorShape[] }
  | { kind: 'load_failed'; message: string }
  | { kind: 'outputs'; id: number; outputs: Record<string, { data: Float32Array; dims: number[] }> }
  | { kind: 'run_failed'; id: number; message: string };

interface Pending {
  resolve: (outputs: Outputs) => void;
  reject: (err: Error) => void;
}

/**
 * A model whose onnxruntime session lives on a worker thread of its own, so that the forward pass
 * runs beside the main thread's decoding, NATS I/O and publishing instead of blocking them.
 * Same surface and the same load checks as `OnnxModel`; the input tensor is copied to the worker
 * (0.7 MB for 416×416, well under a millisecond), the outputs come back transferred.
 */
export class ThreadedModel implements ModelRunner {
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;

  private constructor(
    readonly spec: ModelSpec,
    readonly file: string,
    readonly loadMs: number,
    private readonly worker: Worker,
  ) {
    worker.on('message', (reply: WorkerReply) => this.settle(reply));
    worker.on('error', (err) => this.failAll(err));
    worker.on('exit', (code) => this.failAll(new Error(`session thread exited (${code})`)));
  }

  static async load(spec: ModelSpec, modelsDir: string, options: SessionOptions): Promise<ThreadedModel> {
    const file = existingModelFile(spec, modelsDir);
    const inputDims = [1, 3, spec.inputHeight, spec.inputWidth];
    const workerData = { file, sessionOptions: ortSessionOptions(options), inputDims };
    const worker = new Worker(WORKER, { workerData });
    const reply = await firstReply(worker);
    const problem = reply.kind === 'ready' ? modelShapeProblem(spec, reply.inputs, reply.outputs) : undefined;
    if (reply.kind === 'ready' && !problem) return new ThreadedModel(spec, file, reply.loadMs, worker);
    await worker.terminate();
    if (problem) throw misfit(spec, file, problem);
    throw unloadable(file, new Error(reply.kind === 'load_failed' ? reply.message : reply.kind));
  }

  run(input: Float32Array): Promise<Outputs> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, input });
    });
  }

  async release(): Promise<void> {
    await this.worker.terminate();
  }

  private settle(reply: WorkerReply): void {
    if (reply.kind !== 'outputs' && reply.kind !== 'run_failed') return;
    const waiter = this.pending.get(reply.id);
    if (!waiter) return;
    this.pending.delete(reply.id);
    if (reply.kind === 'outputs') waiter.resolve(reply.outputs);
    else waiter.reject(new Error(`session.run failed: ${reply.message}`));
  }

  private failAll(err: Error): void {
    for (const waiter of this.pending.values()) waiter.reject(err);
    this.pending.clear();
  }
}

function firstReply(worker: Worker): Promise<WorkerReply> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    worker.once('error', onError);
    worker.once('message', (reply: WorkerReply) => {
      worker.off('error', onError);
      resolve(reply);
    });
  });
}
