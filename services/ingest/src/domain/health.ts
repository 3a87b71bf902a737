/**
 * Per-camera health in the spirit of Frigate's stats, from events in a sliding window.
 *
 * Connection quality rule (documented in the README):
 * - unusable: no frame for 10 s or more (or never), or a pull source that is not connected;
 * - poor: last frame 3 s old or more, or detect fps below 50 % of the target, or 3+ reconnects in 5 min;
 * - fair: detect fps below 90 % of the target, or any reconnect in the last 5 min;
 * - excellent otherwise.
 * The target is min(device detect fps, camera fps): a camera slower than detect fps is not
 * "dropping" frames, but it is judged on the frames it does send.
 */
export type ConnectionQuality = 'excellent' | 'fair' | 'poor' | 'unusable';

export interface DeviceHealth {
  tenantId: string;
  deviceId: string;
  cameraFps: number;
  detectFps: number;
  skippedFps: number;
  targetFps: number;
  reconnects: number;
  lastFrameAt: number | null;
  lastFrameAgeSec: number | null;
  quality: ConnectionQuality;
  source: string | null;
  pulling: boolean;
  updatedAt: number;
}

const WINDOW_MS = 10_000;
const RECONNECT_WINDOW_MS = 5 * 60_000;

export function qualityOf(h: {
  lastFrameAgeSec: number | null;
  detectFps: number;
  targetFps: number;
  recentReconnects: number;
  pullDisconnected: boolean;
}): ConnectionQuality {
  if (h.lastFrameAgeSec === null || h.lastFrameAgeSec >= 10 || h.pullDisconnected) return 'unusable';
  const ratio = h.targetFps > 0 ? h.detectFps / h.targetFps : 1;
  if (h.lastFrameAgeSec >= 3 || ratio < 0.5 || h.recentReconnects >= 3) return 'poor';
  if (ratio < 0.9 || h.recentReconnects > 0) return 'fair';
  return 'excellent';
}

/** Event times of one device; everything older than the window is pruned on read. */
export class DeviceStats {
  private received: number[] = [];
  private published: number[] = [];
  private skipped: number[] = [];
  private reconnectTimes: number[] = [];
  reconnects = 0;
  lastFrameAt: number | null = null;
  source: string | null = null;
  /** Set by the puller: undefined when not pulled here, else whether ffmpeg is delivering. */
  pullConnected: boolean | undefined;

  constructor(
    readonly tenantId: string,
    readonly deviceId: string,
    public targetDetectFps: number,
  ) {}

  frameReceived(now: number, source: string): void {
    this.received.push(now);
    this.lastFrameAt = now;
    this.source = source;
  }

  framePublished(now: number): void {
    this.published.push(now);
  }

  frameSkipped(now: number): void {
    this.skipped.push(now);
  }

  reconnected(now: number): void {
    this.reconnects++;
    this.reconnectTimes.push(now);
  }

  snapshot(now: number): DeviceHealth {
    const since = now - WINDOW_MS;
    this.received = this.received.filter((t) => t > since);
    this.published = this.published.filter((t) => t > since);
    this.skipped = this.skipped.filter((t) => t > since);
    this.reconnectTimes = this.reconnectTimes.filter((t) => t > now - RECONNECT_WINDOW_MS);
    const perSec = (n: number) => Math.round((n / (WINDOW_MS / 1000)) * 100) / 100;
    const cameraFps = perSec(this.received.length);
    const detectFps = perSec(this.published.length);
    const targetFps = Math.min(this.targetDetectFps, cameraFps);
    const lastFrameAgeSec = this.lastFrameAt === null ? null : Math.max(0, (now - this.lastFrameAt) / 1000);
    const quality = qualityOf({
      lastFrameAgeSec,
      detectFps,
      targetFps,
      recentReconnects: this.reconnectTimes.length,
      pullDisconnected: this.pullConnected === false,
    });
    return {
      tenantId: this.tenantId,
      deviceId: this.deviceId,
      cameraFps,
      detectFps,
      skippedFps: perSec(this.skipped.length),
      targetFps: this.targetDetectFps,
      reconnects: this.reconnects,
      lastFrameAt: this.lastFrameAt,
      lastFrameAgeSec: lastFrameAgeSec === null ? null : Math.round(lastFrameAgeSec * 10) / 10,
      quality,
      source: this.source,
      pulling: this.pullConnected !== undefined,
      updatedAt: now,
    };
  }
}
