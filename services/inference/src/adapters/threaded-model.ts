import { Worker } from 'node:worker_threads';
import type { ModelSpec } from '../domain/model-registry.js';
import { modelShapeProblem, type TensorShape } from '../domain/model-shapes.js';
import {
  existingModelFile,
  type ModelRunner,
  misfit,
  ortSessionOptions,
  type RunResult,
  type SessionOptions,
  unloadable,
} from './onnx-model.js';

const WORKER = new URL('./session-worker.mjs', import.meta.url);

/** What session-worker.mjs answers. */
type WorkerReply =
  | { kind: 'ready'; loadMs: number; inputs: TensorShape[]; outputs: TensorShape[] }
  | { kind: 'load_failed'; message: string }
  | {
      kind: 'outputs';
      id: number;
      outputs: Record<string, { buffer: SharedArrayBuffer; dims: number[] }>;
      input: Float32Array;
      runMs: number;
      idleMs?: number;
    }
  | { kind: 'run_failed'; id: number; message: string; input: Float32Array };

/** One run's output buffers by output name, shared with the session thread. */
type SharedOutputs = Record<string, SharedArrayBuffer>;

interface Pending {
  resolve: (result: RunResult) => void;
  reject: (err: Error) => void;
}

/**
 * A model whose onnxruntime session lives on a worker thread of its own, so that the forward pass
 * runs beside the main thread's decoding, NATS I/O and publishing instead of blocking them.
 * Same surface and the same load checks as `OnnxModel`. The input tensor (2 MB at 416×416) goes to
 * the worker by transfer and comes back the same way: neither side copies it. The outputs come in
 * shared memory; a caller done with them gives them back (`RunResult.release`) for a later run to
 * fill, so a steady stream of frames allocates no output memory on this thread. It takes two runs
 * at once: the second waits on the session thread and starts the moment the first ends, without a
 * round trip through this thread's event loop (~1 ms a frame, measured as the session's idle time).
 */
export class ThreadedModel implements ModelRunner {
  readonly capacity = 2;
  private readonly pending = new Map<number, Pending>();
  private readonly freeOutputs: SharedOutputs[] = [];
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
    const err = new Error(reply.kind === 'load_failed' ? reply.message : reply.kind);
    throw unloadable(file, err, options.executionProvider);
  }

  run(input: Float32Array): Promise<RunResult> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const reuse = this.freeOutputs.pop();
      this.worker.postMessage({ id, input, reuse }, [input.buffer as ArrayBuffer]);
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
    if (reply.kind === 'outputs') waiter.resolve(this.resultOf(reply));
    else waiter.reject(new Error(`session.run failed: ${reply.message}`));
  }

  private resultOf(reply: Extract<WorkerReply, { kind: 'outputs' }>): RunResult {
    const { outputs: shared, input, runMs, idleMs } = reply;
    const outputs: Record<string, { data: Float32Array; dims: number[] }> = {};
    const buffers: SharedOutputs = {};
    for (const [name, { buffer, dims }] of Object.entries(shared)) {
      outputs[name] = { data: new Float32Array(buffer), dims };
      buffers[name] = buffer;
    }
    let released = false;
    const release = () => {
      // Twice would let two runs fill the same buffers.
      if (released) return;
      released = true;
      this.freeOutputs.push(buffers);
    };
    return { outputs, input, release, passMs: runMs, ...(idleMs === undefined ? {} : { idleMs }) };
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
