import { ControlPlane } from '@sightline/auth';
import { type ConsumerSpec, consumers, type Detection } from '@sightline/contracts';
import {
  type ConsumeLoop,
  type DeferredOutcome,
  type JsMsg,
  outcome,
  provisionConsumer,
  startConsumeLoop,
} from '@sightline/nats';
import { createHttpServer, type ServiceApp, type ServiceRuntime } from '@sightline/service-kit';
import { Detector } from './adapters/detector.js';
import { DevicePrivacy } from './adapters/device-privacy.js';
import { DeviceScenes } from './adapters/device-scenes.js';
import { LiveViewers } from './adapters/live-viewers.js';
import { configureDecoding } from './adapters/sharp-input.js';
import type { InferenceConfig } from './config.js';
import { parseClassThresholds, parseExtraModels, resolveModel } from './domain/model-registry.js';
import { MotionGate } from './domain/motion-gate.js';
import { Turns } from './domain/turns.js';
import { createFrameHandler } from './handlers/frames.js';
import { createMetrics } from './metrics.js';

export interface BuildOptions {
  /** The durable consumer to share; tests pass one with a short ack wait. */
  consumer?: ConsumerSpec;
}

function sessionOptions(config: InferenceConfig) {
  return {
    intraOpThreads: config.INTRA_OP_THREADS,
    interOpThreads: config.INTER_OP_THREADS,
    executionProvider: config.EXECUTION_PROVIDER,
    allowSpinning: config.INTRA_OP_SPINNING,
    sessionThread: config.SESSION_THREAD,
    sessions: config.SESSIONS,
  };
}

function loadFaceModel(config: InferenceConfig): Promise<Detector> {
  const spec = resolveModel(config.FACE_MODEL_ID, parseExtraModels(config.EXTRA_MODELS), {
    scoreThreshold: config.FACE_SCORE_THRESHOLD,
  });
  if (spec.format !== 'ultraface')
    throw new Error(`FACE_MODEL_ID "${spec.id}" is not a face model (format ${spec.format})`);
  // One session: the face model runs only for private devices and is small.
  return Detector.load(spec, config.SIGHTLINE_MODELS_DIR, { ...sessionOptions(config), sessions: 1 });
}

function csvSet(text: string): Set<string> {
  return new Set(
    text
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
}

/**
 * Load the model (failing start on a bad file), then consume FRAMES from the shared durable
 * consumer with PIPELINE_DEPTH frames in flight: while one frame runs through the model the next
 * is decoded.
 */
export async function buildApp(
  runtime: ServiceRuntime,
  config: InferenceConfig,
  options: BuildOptions = {},
): Promise<ServiceApp> {
  const { logger, registry } = runtime;
  configureDecoding();
  const metrics = createMetrics(registry);
  const loadDetector = async (id: string) => {
    const spec = resolveModel(id, parseExtraModels(config.EXTRA_MODELS), {
      scoreThreshold: config.SCORE_THRESHOLD,
      nmsIou: config.NMS_IOU,
      classThresholds: parseClassThresholds(config.CLASS_THRESHOLDS),
    });
    const loaded = await Detector.load(spec, config.SIGHTLINE_MODELS_DIR, sessionOptions(config));
    metrics.modelLoadSeconds.set({ model: spec.id }, loaded.model.loadMs / 1000);
    logger.info(
      { model: spec.id, file: loaded.model.file, loadMs: Math.round(loaded.model.loadMs) },
      'model loaded',
    );
    return loaded;
  };
  const detector = await loadDetector(config.MODEL_ID);
  // Models a device's scene may ask for (`model`), besides the default.
  const detectors = new Map([[detector.spec.id, detector]]);
  for (const id of csvSet(config.DEVICE_MODELS)) {
    if (!detectors.has(id)) detectors.set(id, await loadDetector(id));
  }

  // The contracts' spec is deeply readonly; provisionConsumer takes a plain ConsumerSpec.
  const faces =
    config.FACES || config.PRIVACY_BLUR || config.PRIVACY_MODE ? await loadFaceModel(config) : undefined;
  const privacy = config.PRIVACY_MODE
    ? new DevicePrivacy(await ControlPlane.open(runtime.nc), config.DEVICE_CACHE_MS)
    : undefined;
  const scenes = await DeviceScenes.open(runtime.nc, config.DEVICE_CACHE_MS);
  const viewers =
    config.LIVE_FRAMES && config.LIVE_FRAMES_ONLY_WATCHED
      ? await LiveViewers.open(runtime.nc, config.LIVE_VIEWERS_TTL_MS)
      : undefined;
  if (faces) logger.info({ model: faces.spec.id, privacyBlur: config.PRIVACY_BLUR }, 'face model loaded');

  const consumer = options.consumer ?? {
    ...consumers.inference,
    filterSubjects: [...consumers.inference.filterSubjects],
  };
  const handler = createFrameHandler({
    detector,
    js: runtime.js,
    nc: runtime.nc,
    metrics,
    logger,
    maxAgeMs: config.FRAME_MAX_AGE_MS,
    attributes: config.ATTRIBUTES,
    liveFrames: config.LIVE_FRAMES,
    isWatched: viewers ? (tenantId, deviceId) => viewers.isWatched(tenantId, deviceId) : undefined,
    classes: csvSet(config.CLASSES),
    motion: config.MOTION_GATING
      ? new MotionGate<Detection[]>({
          minChangedRatio: config.MOTION_MIN_CHANGED_RATIO,
          pixelDelta: config.MOTION_PIXEL_DELTA,
          maxSkipMs: config.MOTION_MAX_SKIP_MS,
        })
      : undefined,
    faces,
    facesForAll: config.FACES,
    privacyBlur: config.PRIVACY_BLUR,
    isPrivate: privacy ? (tenantId, deviceId) => privacy.isPrivate(tenantId, deviceId) : undefined,
    needsOf: (tenantId, deviceId) => scenes.needsOf(tenantId, deviceId),
    detectors,
  });
  // Frames in flight take a turn in their device's line as they arrive from the one consume loop
  // (in stream order), so several can be decoded and detected at once and still be published in
  // their device's order: analytics reads an out-of-order frame as late.
  const turns = new Turns();
  // A frame frees its place among the PIPELINE_DEPTH once detected: waiting for its turn and for
  // the publish and ack round trips does not keep the next frame from being decoded.
  const inFlight = (msg: JsMsg): Promise<DeferredOutcome> => {
    const turn = turns.enter(msg.subject);
    let free!: () => void;
    const freed = new Promise<void>((resolve) => {
      free = resolve;
    });
    const settled = handler(msg, turn, free).finally(() => turn.done());
    return Promise.resolve(outcome.deferred(settled, freed));
  };
  let loop: ConsumeLoop | undefined;
  const http = createHttpServer({
    logger,
    registry,
    readiness: { checks: { nats: runtime.natsConnected, consuming: () => loop !== undefined } },
  });

  return {
    http,
    async start() {
      await provisionConsumer(runtime.nc, consumer);
      loop = await startConsumeLoop({
        js: runtime.js,
        stream: consumer.stream,
        durable: consumer.durable,
        handler: inFlight,
        // PIPELINE_DEPTH frames decoded or detected at once, as many pulled ahead of them, and up
        // to 4 × PIPELINE_DEPTH in all (≤ the consumer's max_ack_pending of 64).
        maxDeferred: config.PIPELINE_DEPTH,
        maxUnsettled: 4 * config.PIPELINE_DEPTH,
        maxMessages: config.PIPELINE_DEPTH,
        onOutcome: (result) => {
          if (result.kind === 'drop') {
            metrics.drops.inc({ reason: result.reason });
            metrics.frames.inc({ outcome: 'dropped' });
          } else if (result.kind === 'retry') {
            metrics.frames.inc({ outcome: 'retried' });
            logger.warn({ reason: result.reason }, 'frame will be retried');
          }
        },
        onError: (err) => logger.error({ err }, 'consume loop error'),
      });
      logger.info({ consumer: consumer.durable, depth: config.PIPELINE_DEPTH }, 'consuming frames');
    },
    async stop() {
      await loop?.stop();
      viewers?.stop();
      await detector.release();
      await faces?.release();
    },
  };
}
