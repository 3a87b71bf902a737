import type { AnalysisResult, DetectionBatch, Scene } from '@sightline/contracts';
import type { Logger } from '@sightline/service-kit';
import { faceBoxes, focusBox } from '../domain/crop-focus.js';
import { cropRect, fitWithin, scaleBox, type Xyxy } from '../domain/crop-geometry.js';
import type { FrameOutputs } from '../domain/device-analyzer.js';
import type { OutgoingEvent } from '../domain/events.js';
import { Limiter } from '../domain/limiter.js';
import type { Metrics } from '../metrics.js';
import type { FrameMissing, FrameSource } from './frame-source.js';
import { cropJpeg, type DecodedFrame, decodeFrame } from './jpeg-crops.js';

export interface EventImageOptions {
  /** Longest side of an image, px. */
  maxSide: number;
  /** Frames read back and cropped at once, across all partitions of this replica. */
  concurrency: number;
  /** Longest a frame's events wait for their images (a free slot included) before going without. */
  timeoutMs: number;
}

/** Why an event that wanted an image goes out without one (the metric's `result`). */
export type ImageMissing =
  | FrameMissing
  | 'no_frame'
  | 'fetch_failed'
  | 'undecodable'
  | 'no_region'
  | 'crop_failed'
  | 'timeout';

type EventImage = { jpeg: string } | { missing: ImageMissing };

const wantedBy = (scene: Scene) => (e: OutgoingEvent) =>
  (scene.eventImages as readonly string[] | undefined)?.includes(e.analytic) === true;

/** Whether the scene wants an image for any of these events; free for a scene that wants none. */
export function wantsImages(scene: Scene, events: readonly OutgoingEvent[]): boolean {
  return (scene.eventImages?.length ?? 0) > 0 && events.some(wantedBy(scene));
}

/**
 * Puts seed 004 `image_jpeg` on the events whose scene asks for it (`eventImages`): the frame
 * the batch came from is read back from FRAMES, decoded once, and cropped around each event's
 * object. Never fails an event and never holds it past `timeoutMs`: an event whose image cannot
 * be made goes out without one, counted in `event_images_total` by reason.
 */
export class EventImages {
  private readonly limiter: Limiter;

  constructor(
    private readonly frames: FrameSource,
    private readonly metrics: Metrics,
    private readonly logger: Logger,
    private readonly options: EventImageOptions,
  ) {
    this.limiter = new Limiter(options.concurrency);
  }

  async attach(batch: DetectionBatch, outputs: FrameOutputs, scene: Scene): Promise<FrameOutputs> {
    const wanted = outputs.events.filter(wantedBy(scene));
    if (wanted.length === 0) return outputs;
    const end = this.metrics.eventImageSeconds.startTimer();
    const images = await this.imagesOf(batch, outputs.analysis, scene, wanted).catch((err) => {
      this.logger.warn({ err, frameId: batch.frameId }, 'event images failed; events go without');
      return wanted.map((): EventImage => ({ missing: 'crop_failed' }));
    });
    end();
    const byEvent = new Map(wanted.map((e, i) => [e, images[i]!]));
    for (const image of images) {
      this.metrics.eventImages.inc({ result: 'jpeg' in image ? 'attached' : image.missing });
    }
    const events = outputs.events.map((e) => {
      const image = byEvent.get(e);
      return image && 'jpeg' in image ? { ...e, event: { ...e.event, image_jpeg: image.jpeg } } : e;
    });
    return { ...outputs, events };
  }

  private imagesOf(
    batch: DetectionBatch,
    analysis: AnalysisResult,
    scene: Scene,
    wanted: readonly OutgoingEvent[],
  ): Promise<EventImage[]> {
    const all = (missing: ImageMissing) => wanted.map((): EventImage => ({ missing }));
    const seq = batch.frameSeq;
    // Edge batches (webhook) have no stored frame.
    if (seq === undefined) return Promise.resolve(all('no_frame'));
    const deadline = Date.now() + this.options.timeoutMs;
    const work = this.limiter.run(async () =>
      // Work that waited for a slot past the deadline is not done: its events have gone.
      Date.now() >= deadline ? all('timeout') : this.crops(batch, seq, analysis, scene, wanted),
    );
    return withTimeout(work, this.options.timeoutMs, () => all('timeout'));
  }

  private async crops(
    batch: DetectionBatch,
    seq: number,
    analysis: AnalysisResult,
    scene: Scene,
    wanted: readonly OutgoingEvent[],
  ): Promise<EventImage[]> {
    const frame = await this.decoded(batch, seq);
    if ('missing' in frame) return wanted.map(() => frame);
    const batchSize = { width: batch.width, height: batch.height };
    const out: EventImage[] = [];
    // One crop after another: the slot bounds the CPU this takes, not just the frames.
    for (const e of wanted) {
      const box = focusBox(e.focus, batchSize, analysis.detections, scene);
      out.push(await this.crop(frame, scaleBox(box, batchSize, frame)));
    }
    return out;
  }

  private async decoded(
    batch: DetectionBatch,
    seq: number,
  ): Promise<DecodedFrame | { missing: ImageMissing }> {
    const ref = { tenantId: batch.tenantId, deviceId: batch.deviceId, frameId: batch.frameId, seq };
    let read: Awaited<ReturnType<FrameSource['read']>>;
    try {
      read = await this.frames.read(ref);
    } catch (err) {
      this.logger.warn({ err, frameId: batch.frameId, seq }, 'frame read back failed');
      return { missing: 'fetch_failed' };
    }
    if ('missing' in read) return read;
    try {
      return await decodeFrame(read.jpeg, faceBoxes(batch.detections));
    } catch (err) {
      this.logger.warn({ err, frameId: batch.frameId }, 'frame read back is undecodable');
      return { missing: 'undecodable' };
    }
  }

  private async crop(frame: DecodedFrame, box: Xyxy): Promise<EventImage> {
    const rect = cropRect(box, frame);
    if (!rect) return { missing: 'no_region' };
    try {
      const jpeg = await cropJpeg(frame, rect, fitWithin(rect, this.options.maxSide));
      return { jpeg: jpeg.toString('base64') };
    } catch (err) {
      this.logger.warn({ err }, 'event image crop failed');
      return { missing: 'crop_failed' };
    }
  }
}

/** `work`, or `fallback()` once `ms` have passed without it. */
function withTimeout<T>(work: Promise<T>, ms: number, fallback: () => T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback()), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
