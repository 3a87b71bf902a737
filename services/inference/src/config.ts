import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BaseEnv, loadEnv } from '@sightline/service-kit';
import { type Static, Type } from '@sinclair/typebox';

/** The repository root: services/inference/src → ../../.. (as packages/testing/src/paths.ts does). */
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const defaultModelsDir = join(repoRoot, '..', 'shared', 'models');

const Bool = (value: boolean) => Type.Boolean({ default: value });

export const InferenceEnv = Type.Object({
  ...BaseEnv,
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8083 }),
  SIGHTLINE_MODELS_DIR: Type.String({ default: defaultModelsDir }),
  /** Registry id of the detector (see src/domain/model-registry.ts). */
  MODEL_ID: Type.String({ default: 'yolox_nano' }),
  /** Further registry ids loaded at start for devices whose scene names them as `model`. */
  DEVICE_MODELS: Type.String({ default: '' }),
  /** How long a device's scene (model, classes) and privacy mode are cached. */
  DEVICE_CACHE_MS: Type.Integer({ minimum: 0, default: 5000 }),
  /** JSON array of extra registry entries, e.g. a YOLOv8 export: see the README. */
  EXTRA_MODELS: Type.Optional(Type.String()),
  SCORE_THRESHOLD: Type.Number({ minimum: 0, maximum: 1, default: 0.3 }),
  /** Per-class thresholds over the default, e.g. "person=0.4,car=0.5". */
  CLASS_THRESHOLDS: Type.String({ default: '' }),
  /** Only these labels are published (comma list); empty keeps every class. */
  CLASSES: Type.String({ default: '' }),
  NMS_IOU: Type.Number({ minimum: 0, maximum: 1, default: 0.45 }),
  /**
   * One by default: with YOLOX-Nano a second intra-op thread does not make session.run faster on
   * 2 cores (bare 54–64 frames/s against 66–83 with one) but costs ~7 CPU ms a frame, which the
   * pipeline needs for decoding (bench:inference, docs/performance.md). Larger models gain from more.
   */
  INTRA_OP_THREADS: Type.Integer({ minimum: 1, maximum: 64, default: 1 }),
  INTER_OP_THREADS: Type.Integer({ minimum: 1, maximum: 64, default: 1 }),
  /** onnxruntime's idle intra-op threads spin-wait (off: they yield the CPU to frame decoding). */
  INTRA_OP_SPINNING: Bool(false),
  /**
   * Run each onnxruntime session on a worker thread: onnxruntime-node's run blocks the thread it
   * is called on, so on the main thread it would stall decoding and NATS I/O for every pass.
   */
  SESSION_THREAD: Bool(true),
  /** Sessions of the detector side by side, each on its own thread with INTRA_OP_THREADS threads. */
  SESSIONS: Type.Integer({ minimum: 1, maximum: 16, default: 1 }),
  EXECUTION_PROVIDER: Type.Union([Type.Literal('cpu'), Type.Literal('cuda')], { default: 'cpu' }),
  /** A frame older than this (since ingest accepted it) when pulled is dropped as stale. */
  // A backlog is bounded at the door (FRAMES refuses a device's 31st waiting frame, counted by
  // ingest as backlog_full); this budget decides how old an analysed frame may be.
  FRAME_MAX_AGE_MS: Type.Integer({ minimum: 1, default: 4_500 }),
  /**
   * Frames decoded or detected at once in one worker: with 3, while one is in the model the next
   * two decode, so the session rarely waits (bench:inference: 0.88–0.94 of bare at 3, 0.76–0.92
   * at 2). Under no backlog a deeper pipeline adds no latency; under one it adds ~1 frame's wait.
   */
  PIPELINE_DEPTH: Type.Integer({ minimum: 1, maximum: 16, default: 3 }),
  /** Level-02 attributes (colours, size class) for persons and vehicles. */
  ATTRIBUTES: Bool(true),
  /** Skip the detector when a device's picture has not changed (its last detections are reused). */
  MOTION_GATING: Bool(true),
  /** Share of the small grey image's pixels that must change to count as motion. */
  MOTION_MIN_CHANGED_RATIO: Type.Number({ minimum: 0, maximum: 1, default: 0.005 }),
  /** A pixel changed when its grey level moved by more than this (0-255). */
  MOTION_PIXEL_DELTA: Type.Integer({ minimum: 1, maximum: 255, default: 25 }),
  /** Even a static scene is re-detected at least this often, so nothing stays stale. */
  MOTION_MAX_SKIP_MS: Type.Integer({ minimum: 0, default: 2_000 }),
  /** Also run the face model on analysed frames; faces join the batch with label "face" (face counting). */
  FACES: Bool(false),
  FACE_MODEL_ID: Type.String({ default: 'ultraface_rfb_320' }),
  FACE_SCORE_THRESHOLD: Type.Number({ minimum: 0, maximum: 1, default: 0.7 }),
  /** Blur detected faces in the live frames of every device (turns FACES on). */
  PRIVACY_BLUR: Bool(false),
  /** Blur faces in the live frames of devices whose `privacyMode` is on (the face model runs for them only). */
  PRIVACY_MODE: Bool(true),
  /** Publish seed 002 FrameData (JPEG + detections) on core NATS for live viewers. */
  LIVE_FRAMES: Bool(true),
  /**
   * Publish a camera's live frames only while a gateway announces viewers of it
   * (`live_viewers.<tenant>.<device>`): a frame is ~1.3x its JPEG as JSON, and most cameras
   * are not watched most of the time. false: every analysed frame, watched or not.
   */
  LIVE_FRAMES_ONLY_WATCHED: Bool(true),
  /** A camera counts as watched this long after its last announcement (gateways repeat every 5 s). */
  LIVE_VIEWERS_TTL_MS: Type.Integer({ minimum: 1, default: 15_000 }),
});
export type InferenceConfig = Static<typeof InferenceEnv>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): InferenceConfig {
  return loadEnv(InferenceEnv, env);
}
