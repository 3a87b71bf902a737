import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { Outputs } from '../domain/decoders/types.js';
import type { ModelSpec } from '../domain/model-registry.js';
import { modelShapeProblem, type TensorShape } from '../domain/model-shapes.js';

export type ExecutionProvider = 'cpu' | 'cuda';

export interface SessionOptions {
  intraOpThreads: number;
  interOpThreads: number;
  executionProvider: ExecutionProvider;
  /** Let idle intra-op threads spin: lower latency alone, but steals CPU from decoding on small machines. */
  allowSpinning?: boolean;
  /** Run the session on a worker thread of its own (see ThreadedModel); default: this thread. */
  sessionThread?: boolean;
  /** Sessions of each model run side by side (each on its own thread, each with this budget). */
  sessions?: number;
}

/** A model file that cannot serve its registry entry; the message names the file and the problem. */
export class ModelLoadError extends Error {
  constructor(file: string, problem: string) {
    super(`model file ${file}: ${problem}`);
    this.name = 'ModelLoadError';
  }
}

export function modelFilePath(spec: ModelSpec, modelsDir: string): string {
  return isAbsolute(spec.file) ? spec.file : join(modelsDir, spec.file);
}

export function shapesOf(metadata: readonly ort.InferenceSession.ValueMetadata[]): TensorShape[] {
  return metadata.map((m) => ({ name: m.name, shape: m.isTensor ? m.shape : [] }));
}

/** The model's file, checked to exist and not be empty before onnxruntime sees it. */
export function existingModelFile(spec: ModelSpec, modelsDir: string): string {
  const file = modelFilePath(spec, modelsDir);
  if (!existsSync(file)) throw new ModelLoadError(file, 'not found (set SIGHTLINE_MODELS_DIR)');
  if (statSync(file).size === 0) throw new ModelLoadError(file, 'is empty');
  return file;
}

/**
 * A session that could not be created. When CUDA was asked for and its provider did not load (the
 * npm package ships only the CPU one), that is what the message says, not that the file is bad.
 */
export function unloadable(file: string, err: Error, provider: ExecutionProvider = 'cpu'): ModelLoadError {
  const first = err.message.split('\n')[0];
  if (provider === 'cuda' && /cuda/i.test(first ?? '')) {
    return new ModelLoadError(
      file,
      `EXECUTION_PROVIDER=cuda, but onnxruntime's CUDA provider did not load (${first}); install it as services/inference/README.md (GPU) says, or set EXECUTION_PROVIDER=cpu`,
    );
  }
  return new ModelLoadError(file, `cannot be loaded as ONNX (${first})`);
}

export const misfit = (spec: ModelSpec, file: string, problem: string) =>
  new ModelLoadError(file, `does not fit model "${spec.id}" (${spec.format}): ${problem}`);

/** onnxruntime's session options for our thread budget and execution provider. */
export function ortSessionOptions(options: SessionOptions): ort.InferenceSession.SessionOptions {
  return {
    intraOpNumThreads: options.intraOpThreads,
    interOpNumThreads: options.interOpThreads,
    // CUDA first, CPU for the operators it lacks; needs the GPU build of onnxruntime (README).
    executionProviders: options.executionProvider === 'cuda' ? ['cuda', 'cpu'] : ['cpu'],
    graphOptimizationLevel: 'all',
    // Warnings such as "initializer appears in graph inputs" are noise for a served model.
    logSeverityLevel: 3,
    extra: { session: { intra_op: { allow_spinning: options.allowSpinning ? '1' : '0' } } },
  };
}

/**
 * A forward pass's outputs, and its input handed back for reuse: a session thread takes the input
 * by transfer (no copy), which leaves the caller's array empty, and returns it the same way.
 */
export interface RunResult {
  outputs: Outputs;
  input: Float32Array;
  /**
   * Done with `outputs`: the runner may fill their memory on a later run. Optional to call (the
   * memory is then simply collected); never read `outputs` after it.
   */
  release?: () => void;
  /** The forward pass alone, timed where it ran (without any wait for the session). */
  passMs: number;
  /** On a session thread: how long the session sat idle before this pass, since its last one. */
  idleMs?: number;
}

/** What the detector needs of a loaded model, on this thread or on a session thread. */
export interface ModelRunner {
  readonly spec: ModelSpec;
  readonly file: string;
  readonly loadMs: number;
  /** Runs it takes at once: beyond one, the next waits in its own queue, ready to start. */
  readonly capacity: number;
  /** One pass; `input` belongs to the runner until the result gives it back. */
  run(input: Float32Array): Promise<RunResult>;
  release(): Promise<void>;
}

/** An onnxruntime session for one registry entry, checked against the entry at load. */
export class OnnxModel implements ModelRunner {
  readonly capacity = 1;
  private constructor(
    readonly spec: ModelSpec,
    readonly file: string,
    private readonly session: ort.InferenceSession,
    readonly loadMs: number,
  ) {}

  static async load(spec: ModelSpec, modelsDir: string, options: SessionOptions): Promise<OnnxModel> {
    const file = existingModelFile(spec, modelsDir);
    const started = performance.now();
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(file, ortSessionOptions(options));
    } catch (err) {
      throw unloadable(file, err as Error, options.executionProvider);
    }
    const problem = modelShapeProblem(
      spec,
      shapesOf(session.inputMetadata),
      shapesOf(session.outputMetadata),
    );
    if (problem) {
      await session.release();
      throw misfit(spec, file, problem);
    }
    return new OnnxModel(spec, file, session, performance.now() - started);
  }

  /** One forward pass over a CHW float tensor of the spec's input size. */
  async run(input: Float32Array): Promise<RunResult> {
    const tensor = new ort.Tensor('float32', input, [1, 3, this.spec.inputHeight, this.spec.inputWidth]);
    const started = performance.now();
    const result = await this.session.run({ [this.session.inputNames[0]!]: tensor });
    const passMs = performance.now() - started;
    const outputs: Record<string, { data: Float32Array; dims: readonly number[] }> = {};
    for (const [name, value] of Object.entries(result)) {
      outputs[name] = { data: value.data as Float32Array, dims: value.dims };
    }
    return { outputs, input, passMs };
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
