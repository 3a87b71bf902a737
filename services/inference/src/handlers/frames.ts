import {
  type Detection,
  type DetectionBatch,
  type FrameMeta,
  parseDeviceSubject,
  partitionOf,
  subjects,
} from '@sightline/contracts';
import {
  type JetStreamClient,
  type JsMsg,
  type NatsConnection,
  type Outcome,
  outcome,
  publishJson,
} from '@sightline/nats';
import type { Logger } from '@sightline/service-kit';
import type { Detector, PreparedFrame } from '../adapters/detector.js';
import type { DetectionNeeds } from '../adapters/device-scenes.js';
import { blurRegions } from '../adapters/privacy-blur.js';
import { UndecodableImageError } from '../adapters/sharp-input.js';
import { readFrameMeta } from '../domain/frame-meta.js';
import { greyThumbnail, type MotionGate } from '../domain/motion-gate.js';
import type { Turn } from '../domain/turns.js';
import { encodeFrameData, toBatch, toDetections } from '../domain/wire.js';
import type { InferenceMetrics, Stage } from '../metrics.js';

export interface FrameHandlerDeps {
  detector: Detector;
  js: JetStreamClient;
  nc: NatsConnection;
  metrics: InferenceMetrics;
  logger: Logger;
  maxAgeMs: number;
  attributes: boolean;
  liveFrames: boolean;
  /** Whether some gateway has live viewers of the camera; absent: publish for every camera. */
  isWatched?: (tenantId: string, deviceId: string) => boolean;
  /** Labels to publish; empty: all. */
  classes: ReadonlySet<string>;
  motion?: MotionGate<Detection[]>;
  /** Face model: its detections join the batch as "face"; with privacyBlur they are blurred live. */
  faces?: Detector;
  /** Run the face model on every frame (face counting), not only for private devices. */
  facesForAll?: boolean;
  privacyBlur?: boolean;
  /** Per-device privacy mode: faces of such a device are found and blurred in its live frames. */
  isPrivate?: (tenantId: string, deviceId: string) => Promise<boolean>;
  /** Per-device scene needs: the detector (by registry id) and classes to report. */
  needsOf?: (tenantId: string, deviceId: string) => Promise<DetectionNeeds>;
  /** Loaded detectors by registry id (the default one included). */
  detectors?: ReadonlyMap<string, Detector>;
  now?: () => number;
}

/** This frame's detector and classes: the device's scene may ask for others than the defaults. */
async function forDevice(deps: FrameHandlerDeps, meta: FrameMeta): Promise<FrameHandlerDeps> {
  const needs = await deps.needsOf?.(meta.tenantId, meta.deviceId);
  if (!needs?.model && !needs?.classes) return deps;
  const detector = needs.model ? deps.detectors?.get(needs.model) : undefined;
  if (needs.model && !detector) deps.metrics.sceneModelMissing.inc({ model: needs.model });
  return { ...deps, detector: detector ?? deps.detector, classes: needs.classes ?? deps.classes };
}

/**
 * One frame from FRAMES: validate its headers, drop it if stale or undecodable, detect (or reuse
 * the last detections when motion gating finds no change), publish the DetectionBatch and the
 * live FrameData, and only then ack. With a `turn`, the publishing waits until the device's
 * earlier frames are through, so frames handled side by side still leave in their order.
 * `detected` is called once the frame's CPU work (decode, detection) is done, before it waits for
 * its turn and the publish round trips: the caller may start the next frame then.
 */
export function createFrameHandler(
  base: FrameHandlerDeps,
): (msg: JsMsg, turn?: Turn, detected?: () => void) => Promise<Outcome> {
  const now = base.now ?? Date.now;
  const observe = (stage: Stage, ms: number) => base.metrics.stageSeconds.observe({ stage }, ms / 1000);

  return async (msg, turn, detected) => {
    if (msg.redelivered) base.metrics.redelivered.inc();
    const read = readFrameMeta(msg.headers);
    if ('problem' in read) {
      base.logger.warn(
        { subject: msg.subject, seq: msg.seq, problem: read.problem },
        'frame without valid metadata',
      );
      return outcome.drop('bad_metadata');
    }
    const { meta } = read;
    // Headers must name the tenant and device of the subject: a batch never crosses tenants.
    const route = parseDeviceSubject(msg.subject);
    if (route?.tenantId !== meta.tenantId || route.deviceId !== meta.deviceId) {
      base.logger.warn(
        { subject: msg.subject, tenant: meta.tenantId, device: meta.deviceId },
        'frame headers do not match subject',
      );
      return outcome.drop('subject_mismatch');
    }
    const queueWaitMs = Math.max(0, now() - meta.acceptedAt);
    observe('queue_wait', queueWaitMs);
    if (queueWaitMs > base.maxAgeMs) return outcome.drop('stale');
    const deps = await forDevice(base, meta);

    let frame: PreparedFrame;
    try {
      frame = await deps.detector.prepare(msg.data);
    } catch (err) {
      if (!(err instanceof UndecodableImageError)) throw err;
      deps.logger.warn(
        { tenant: meta.tenantId, device: meta.deviceId, err: err.message },
        'undecodable frame',
      );
      return outcome.drop('undecodable');
    }
    observe('decode', frame.decodeMs);
    observe('preprocess', frame.preprocessMs);
    const timings: Record<string, number> = {
      queueWaitMs,
      decodeMs: frame.decodeMs,
      preprocessMs: frame.preprocessMs,
    };
    const blur =
      deps.privacyBlur === true || ((await deps.isPrivate?.(meta.tenantId, meta.deviceId)) ?? false);
    const detections = await detectOrReuse(deps, meta, { frame, jpeg: msg.data, blur }, timings, observe);
    detected?.();

    await turn?.ready;
    const batch = toBatch(
      meta,
      { width: frame.geometry.srcWidth, height: frame.geometry.srcHeight, seq: msg.seq },
      deps.detector.spec.id,
      detections,
      timings,
      now(),
    );
    const publishStart = performance.now();
    await publishJson(
      deps.js,
      subjects.detections(partitionOf(meta.deviceId), meta.tenantId, meta.deviceId),
      batch,
      {
        msgId: meta.frameId,
      },
    );
    if (deps.liveFrames && (deps.isWatched?.(meta.tenantId, meta.deviceId) ?? true)) {
      await publishLive(deps, batch, msg.data, blur);
    } else if (deps.liveFrames) deps.metrics.liveUnwatched.inc();
    observe('publish', performance.now() - publishStart);
    return outcome.ack();
  };
}

async function detectOrReuse(
  deps: FrameHandlerDeps,
  meta: FrameMeta,
  { frame, jpeg, blur }: { frame: PreparedFrame; jpeg: Uint8Array; blur: boolean },
  timings: Record<string, number>,
  observe: (stage: Stage, ms: number) => void,
): Promise<Detection[]> {
  const now = deps.now ?? Date.now;
  const thumbnail = deps.motion
    ? greyThumbnail(frame.pixels, frame.pixelWidth, frame.pixelHeight)
    : undefined;
  const reused = thumbnail && deps.motion?.reusable(meta.deviceId, thumbnail, now());
  if (reused) {
    deps.detector.discard(frame);
    deps.metrics.motionSkipped.inc();
    deps.metrics.frames.inc({ outcome: 'motion_skipped' });
    timings.motionSkipped = 1;
    return reused;
  }
  const result = await deps.detector.detect(frame);
  observe('run', result.runMs);
  deps.metrics.inferenceSpeedMs.set({ model: deps.detector.spec.id }, result.passMs);
  const labelled = toDetections(result.detections, deps.detector.spec.labels, {
    classes: deps.classes,
    attributesFrom: deps.attributes
      ? { pixels: frame.pixels, width: frame.pixelWidth, height: frame.pixelHeight, geometry: frame.geometry }
      : undefined,
  });
  const postprocessMs = result.postprocessMs;
  observe('postprocess', postprocessMs);
  Object.assign(timings, { runMs: result.runMs, passMs: result.passMs, postprocessMs });
  if (result.sessionIdleMs !== undefined) timings.sessionIdleMs = result.sessionIdleMs;
  if (deps.faces && (deps.facesForAll || blur))
    labelled.push(...(await detectFaces(deps.faces, jpeg, timings)));
  if (thumbnail) deps.motion?.recordRun(meta.deviceId, thumbnail, now(), labelled);
  deps.metrics.frames.inc({ outcome: 'analysed' });
  return labelled;
}

async function detectFaces(
  faces: Detector,
  jpeg: Uint8Array,
  timings: Record<string, number>,
): Promise<Detection[]> {
  const result = await faces.detectImage(jpeg);
  timings.faceRunMs = result.runMs;
  return toDetections(result.detections, faces.spec.labels, {});
}

/** Live viewers are best effort (core NATS): a failure is counted, never fails the frame. */
async function publishLive(
  deps: FrameHandlerDeps,
  batch: DetectionBatch,
  jpeg: Uint8Array,
  blur: boolean,
): Promise<void> {
  try {
    const faces = batch.detections.filter((d) => d.label === 'face').map((d) => d.box);
    const shown = blur ? await blurRegions(jpeg, faces) : jpeg;
    const data = encodeFrameData(batch, shown);
    deps.nc.publish(subjects.live(batch.tenantId, batch.deviceId), data);
  } catch (err) {
    deps.metrics.livePublishErrors.inc();
    deps.logger.warn({ err: (err as Error).message, device: batch.deviceId }, 'live frame not published');
  }
}
