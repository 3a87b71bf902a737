import { finishDetections } from '../domain/finish.js';
import { LETTERBOX_PAD } from '../domain/input-layout.js';
import { formats, type ModelSpec } from '../domain/model-registry.js';
import { fillChw } from '../domain/tensor-fill.js';
import type { InputGeometry, RawDetection, ScoreThresholds } from '../domain/types.js';
import { type ModelRunner, OnnxModel, type SessionOptions } from './onnx-model.js';
import { SessionPool } from './session-pool.js';
import { decodeForModel } from './sharp-input.js';
import { TensorPool } from './tensor-pool.js';
import { ThreadedModel } from './threaded-model.js';

/** A frame made ready for the model: its input tensor plus the pixels it came from. */
export interface PreparedFrame {
  /**
   * RGB bytes of the frame resized for the model, without the input's padding (it sits at
   * `geometry.padX`, `padY`), kept for attributes and motion.
   */
  pixels: Buffer;
  pixelWidth: number;
  pixelHeight: number;
  geometry: InputGeometry;
  tensor: Float32Array;
  decodeMs: number;
  preprocessMs: number;
}

export interface DetectResult {
  detections: RawDetection[];
  /** From the call to the outputs: any wait for a session, and the pass. */
  runMs: number;
  /** The forward pass alone. */
  passMs: number;
  /** On a session thread: how long the session sat idle before this pass. */
  sessionIdleMs?: number;
  postprocessMs: number;
}

export function thresholdsOf(spec: ModelSpec): ScoreThresholds {
  const perClass = new Map<number, number>();
  for (const [label, value] of Object.entries(spec.classThresholds)) {
    const id = spec.labels.indexOf(label);
    if (id >= 0) perClass.set(id, value);
  }
  return { byDefault: spec.scoreThreshold, perClass };
}

/**
 * One model behind the two steps the worker overlaps: `prepare` (decode + tensor, parallel in
 * libvips threads) and `detect` (session.run on the next free session, then decode of the output and NMS).
 */
export class Detector {
  private readonly pool: TensorPool;
  private readonly thresholds: ScoreThresholds;

  private constructor(private readonly sessions: SessionPool) {
    this.pool = new TensorPool(3 * this.spec.inputWidth * this.spec.inputHeight);
    this.thresholds = thresholdsOf(this.spec);
  }

  /**
   * `options.sessions` sessions of the model (default 1). Several run side by side only on
   * session threads, so more than one implies `sessionThread`.
   */
  static async load(spec: ModelSpec, modelsDir: string, options: SessionOptions): Promise<Detector> {
    const count = options.sessions ?? 1;
    const load = options.sessionThread || count > 1 ? ThreadedModel.load : OnnxModel.load;
    const sessions: ModelRunner[] = [];
    try {
      for (let i = 0; i < count; i++) sessions.push(await load(spec, modelsDir, options));
    } catch (err) {
      await Promise.all(sessions.map((s) => s.release()));
      throw err;
    }
    return new Detector(new SessionPool(sessions));
  }

  /** The first session: its file and load time stand for all. */
  get model(): ModelRunner {
    return this.sessions.sessions[0]!;
  }

  get spec(): ModelSpec {
    return this.model.spec;
  }

  async prepare(image: Uint8Array): Promise<PreparedFrame> {
    const { inputWidth, inputHeight, format } = this.spec;
    const t0 = performance.now();
    const decoded = await decodeForModel(image, inputWidth, inputHeight, formats[format].placement);
    const t1 = performance.now();
    const placement = {
      width: decoded.width,
      height: decoded.height,
      left: decoded.geometry.padX,
      top: decoded.geometry.padY,
      inputWidth,
      inputHeight,
      pad: LETTERBOX_PAD,
    };
    const tensor = fillChw(decoded.pixels, placement, formats[format].norm, this.pool.acquire());
    return {
      pixels: decoded.pixels,
      pixelWidth: decoded.width,
      pixelHeight: decoded.height,
      geometry: decoded.geometry,
      tensor,
      decodeMs: t1 - t0,
      preprocessMs: performance.now() - t1,
    };
  }

  /** Give back a prepared frame's tensor when it will not be detected (e.g. skipped by motion). */
  discard(frame: PreparedFrame): void {
    this.pool.release(frame.tensor);
  }

  async detect(frame: PreparedFrame): Promise<DetectResult> {
    const t0 = performance.now();
    // A failed run keeps the tensor (a session thread may still hold it); the pool makes another.
    const { outputs, input, release, passMs, idleMs } = await this.sessions.run(frame.tensor);
    this.pool.release(input);
    const t1 = performance.now();
    const { inputWidth, inputHeight, labels, format, nmsIou } = this.spec;
    const params = { inputWidth, inputHeight, numClasses: labels.length, thresholds: this.thresholds };
    const candidates = formats[format].decode(outputs, params);
    // The candidates are plain objects: nothing refers to the output memory any more.
    release?.();
    const detections = finishDetections(candidates, frame.geometry, nmsIou);
    const postprocessMs = performance.now() - t1;
    const idle = idleMs === undefined ? {} : { sessionIdleMs: idleMs };
    return { detections, runMs: t1 - t0, passMs, ...idle, postprocessMs };
  }

  /** prepare + detect, for callers that need no overlap (tests, the face detector). */
  async detectImage(image: Uint8Array): Promise<DetectResult & { geometry: InputGeometry }> {
    const frame = await this.prepare(image);
    return { ...(await this.detect(frame)), geometry: frame.geometry };
  }

  async release(): Promise<void> {
    await this.sessions.release();
  }
}
