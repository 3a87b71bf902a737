import { compile, DetectionBatch, parseDeviceSubject, type Scene } from '@sightline/contracts';
import { type DeferredOutcome, type JsMsg, type Outcome, outcome } from '@sightline/nats';
import type { Logger } from '@sightline/service-kit';
import { type EventImages, wantsImages } from '../adapters/event-images.js';
import type { OutputPublisher } from '../adapters/publisher.js';
import type { FrameOutputs } from '../domain/device-analyzer.js';
import type { DeviceRegistry } from '../domain/device-registry.js';
import { KeyedSerialQueue } from '../domain/keyed-serial-queue.js';
import type { Metrics } from '../metrics.js';

const validator = compile(DetectionBatch);

export interface DetectionsDeps {
  registry: DeviceRegistry;
  publisher: OutputPublisher;
  metrics: Metrics;
  logger: Logger;
  /** Crops for the events of scenes with `eventImages`; without it no event carries an image. */
  eventImages?: EventImages;
  now?: () => number;
}

/** A frame's outputs until they are stored, with the scene that produced them. */
interface Unpublished {
  outputs: FrameOutputs;
  scene: Scene;
  /** Its events still wait for their images (tried once: a retry does not read the frame again). */
  imagesPending: boolean;
}

function readBatch(msg: JsMsg): { batch: DetectionBatch } | { drop: Outcome } {
  let value: unknown;
  try {
    value = msg.json();
  } catch {
    return { drop: outcome.drop('malformed_json') };
  }
  if (!validator.check(value)) return { drop: outcome.drop('invalid_batch') };
  const route = parseDeviceSubject(msg.subject);
  // The subject is what NATS permissions checked; a body claiming another tenant is refused.
  if (route && (route.tenantId !== value.tenantId || route.deviceId !== value.deviceId)) {
    return { drop: outcome.drop('subject_mismatch') };
  }
  return { batch: value };
}

/**
 * One DetectionBatch → analyse → publish analysis, events and closed rollups → ack. The
 * outputs of the frame in hand are kept until published, so a retry after a failed publish
 * sends the same outputs again instead of feeding the frame to the tracker twice.
 *
 * A frame whose events want images is analysed at once (the tracker keeps frame order) but
 * published later, once its images are made: its outcome is deferred so the loop goes on with
 * other devices, and the device's later frames queue behind it so its outputs stay in order.
 * Frames of scenes without `eventImages` never wait and cost nothing more.
 */
export function detectionsHandler(deps: DetectionsDeps): (msg: JsMsg) => Promise<Outcome | DeferredOutcome> {
  const now = deps.now ?? Date.now;
  const unpublished = new Map<string, Unpublished>();
  const devices = new KeyedSerialQueue();

  const analyse = (batch: DetectionBatch): Unpublished | undefined => {
    const analyzer = deps.registry.analyzer(batch.tenantId, batch.deviceId, now());
    // Already analysed and acked once (a lost ack), or older than what the tracker has seen.
    if (analyzer.latest?.frameId === batch.frameId) return undefined;
    const end = deps.metrics.processing.startTimer();
    let outputs: FrameOutputs;
    if (batch.capturedAt < analyzer.lastCapturedAt) {
      // Every frame gets its analysis_result; a late one just does not advance the tracker.
      deps.metrics.late.inc();
      outputs = analyzer.processLate(batch, now());
    } else {
      outputs = analyzer.process(batch, now());
    }
    end();
    const scene = analyzer.scene;
    return { outputs, scene, imagesPending: !!deps.eventImages && wantsImages(scene, outputs.events) };
  };

  const publish = async (batch: DetectionBatch, pending: Unpublished): Promise<Outcome> => {
    if (pending.imagesPending && deps.eventImages) {
      pending.outputs = await deps.eventImages.attach(batch, pending.outputs, pending.scene);
    }
    pending.imagesPending = false;
    try {
      await deps.publisher.publishFrame(batch.tenantId, pending.outputs);
    } catch (err) {
      deps.logger.warn({ err, frameId: batch.frameId }, 'publish failed; will retry');
      return outcome.retry('publish_failed', 500);
    }
    unpublished.delete(batch.frameId);
    deps.metrics.latency.observe(Math.max(0, now() - batch.acceptedAt) / 1000);
    return outcome.ack();
  };

  return async (msg) => {
    const read = readBatch(msg);
    if ('drop' in read) return read.drop;
    const { batch } = read;
    let pending = unpublished.get(batch.frameId);
    if (!pending) {
      pending = analyse(batch);
      if (!pending) return outcome.drop('duplicate');
      unpublished.set(batch.frameId, pending);
    }
    const device = `${batch.tenantId}.${batch.deviceId}`;
    if (!pending.imagesPending && !devices.busy(device)) return publish(batch, pending);
    const entry = pending;
    return outcome.deferred(devices.run(device, () => publish(batch, entry)));
  };
}
