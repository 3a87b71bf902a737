import { ApiError, type Device, type FrameMeta } from '@sightline/contracts';
import type { FramePublisher } from '../adapters/frame-publisher.js';
import { FrameRejection, type ImageLimits, normalizeImage } from '../adapters/image-normalizer.js';
import type { IngestMetrics } from '../metrics.js';
import { isBacklogFull } from './backlog.js';
import type { HealthRegistry } from './health-registry.js';
import type { Pacer } from './pacer.js';
import { checkTimestamp, type TimestampLimits } from './timestamp.js';

export type FrameSource = FrameMeta['source'];

export interface FrameInput {
  device: Device;
  bytes: Buffer;
  source: FrameSource;
  frameId: string;
  /** True when the client named the frame (idempotency key): a retry then bypasses pacing. */
  clientNamed: boolean;
  rawTimestamp?: unknown;
  /** False for sources that are sampled at the detect fps already (video uploads). */
  paced?: boolean;
}

export interface FrameAccepted {
  frameId: string;
  deviceId: string;
  acceptedAt: number;
  skipped?: true;
  duplicate?: true;
  width?: number;
  height?: number;
}

export interface IntakeDeps {
  publish: FramePublisher;
  pacer: Pacer;
  pacing: boolean;
  health: HealthRegistry;
  metrics: IngestMetrics;
  imageLimits: ImageLimits;
  timestampLimits: TimestampLimits;
  now?: () => number;
}

/** Errors already counted in `requests_rejected_total`, so the HTTP hook does not count them twice. */
export const countedErrors = new WeakSet<object>();

const RECENT_CLIENT_IDS = 10_000;

/** The one path every frame takes, whatever its source: validate, pace, publish, count. */
export class FrameIntake {
  private readonly recentClientIds = new Set<string>();
  private readonly now: () => number;

  constructor(private readonly deps: IntakeDeps) {
    this.now = deps.now ?? Date.now;
  }

  async accept(input: FrameInput): Promise<FrameAccepted> {
    const { metrics } = this.deps;
    const { source } = input;
    metrics.received.inc({ source });
    metrics.receivedBytes.inc({ source }, input.bytes.length);
    try {
      return await this.process(input);
    } catch (err) {
      const reason =
        err instanceof FrameRejection ? err.reason : err instanceof ApiError ? err.code : 'internal';
      metrics.rejected.inc({ source, reason });
      if (typeof err === 'object' && err) countedErrors.add(err);
      throw err;
    }
  }

  private async process(input: FrameInput): Promise<FrameAccepted> {
    const { device, source } = input;
    const now = this.now();
    const ts = checkTimestamp(input.rawTimestamp, now, this.deps.timestampLimits);
    if (!ts.ok) throw new FrameRejection('bad_timestamp', 'bad_request', ts.reason);
    const image = await normalizeImage(input.bytes, this.deps.imageLimits);
    const stats = this.deps.health.get(device.tenantId, device.deviceId, device.detectFps);
    stats.frameReceived(now, source);
    const base = { frameId: input.frameId, deviceId: device.deviceId, acceptedAt: now };

    if (this.shouldSkip(input, now)) {
      stats.frameSkipped(now);
      this.deps.metrics.skipped.inc({ source, reason: 'above_detect_fps' });
      return { ...base, skipped: true };
    }
    const meta: FrameMeta = {
      ...base,
      tenantId: device.tenantId,
      capturedAt: ts.capturedAt,
      source,
      width: image.width,
      height: image.height,
    };
    const result = await this.publish(meta, image.jpeg);
    stats.framePublished(now);
    this.remember(input);
    return {
      ...base,
      width: image.width,
      height: image.height,
      ...(result.duplicate ? { duplicate: true } : {}),
    };
  }

  private shouldSkip(input: FrameInput, now: number): boolean {
    if (!this.deps.pacing || input.paced === false) return false;
    if (input.clientNamed && this.recentClientIds.has(input.frameId)) return false;
    const key = `${input.device.tenantId}.${input.device.deviceId}`;
    return !this.deps.pacer.admit(key, input.device.detectFps, now);
  }

  private async publish(meta: FrameMeta, jpeg: Buffer) {
    const { metrics } = this.deps;
    const stop = metrics.publishSeconds.startTimer();
    let result: Awaited<ReturnType<FramePublisher>>;
    try {
      result = await this.deps.publish(meta, jpeg);
    } catch (err) {
      if (isBacklogFull(err)) throw err;
      throw new FrameRejection('publish_failed', 'unavailable', 'frame could not be stored; retry', {
        'Retry-After': '1',
      });
    } finally {
      stop();
    }
    if (result.duplicate) metrics.duplicates.inc({ source: meta.source });
    else {
      metrics.published.inc({ source: meta.source });
      metrics.publishedBytes.inc({ source: meta.source }, jpeg.length);
    }
    return result;
  }

  private remember(input: FrameInput): void {
    if (!input.clientNamed) return;
    this.recentClientIds.add(input.frameId);
    if (this.recentClientIds.size > RECENT_CLIENT_IDS) {
      const oldest = this.recentClientIds.values().next().value;
      if (oldest !== undefined) this.recentClientIds.delete(oldest);
    }
  }
}
