import { randomUUID } from 'node:crypto';
import type { Device } from '@sightline/contracts';
import type { Logger } from '@sightline/service-kit';
import { BACKLOG_RETRY_AFTER_SEC, isBacklogFull } from '../domain/backlog.js';
import type { FrameIntake } from '../domain/frame-intake.js';
import type { DeviceStats } from '../domain/health.js';
import { backoffMs, type PullSource } from '../domain/pull-source.js';
import type { IngestMetrics } from '../metrics.js';
import { type FrameDecoder, spawnFrameDecoder } from './ffmpeg.js';

export interface PullWorkerDeps {
  intake: FrameIntake;
  metrics: IngestMetrics;
  logger: Logger;
  ffmpegPath: string;
  maxFrameBytes: number;
  backoffMinMs: number;
  backoffMaxMs: number;
  /** No frame for this long: ffmpeg is killed and the source reconnected. */
  stallMs: number;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    const wake = () => {
      clearTimeout(timer);
      resolve();
    };
    signal.addEventListener('abort', wake, { once: true });
  });

/**
 * Reads one device's source with an ffmpeg child process and feeds its frames through the intake.
 * When ffmpeg ends or stalls it is restarted: at once after a clean end of a snapshot/stream that
 * delivered frames, else after an exponential backoff that resets once frames flow again.
 */
export class PullWorker {
  private readonly abort = new AbortController();
  private decoder: FrameDecoder | undefined;
  readonly done: Promise<void>;

  constructor(
    private readonly deps: PullWorkerDeps,
    readonly device: Device,
    private readonly source: PullSource,
    private readonly stats: DeviceStats,
  ) {
    // Marks the device as pulled (not connected yet): its health record is kept while we pull.
    stats.pullConnected = false;
    this.done = this.run();
  }

  stop(): Promise<void> {
    this.abort.abort();
    this.decoder?.stop();
    return this.done;
  }

  private async run(): Promise<void> {
    const { signal } = this.abort;
    let failures = 0;
    while (!signal.aborted) {
      const { frames, code } = await this.readOnce();
      if (signal.aborted) break;
      this.stats.pullConnected = false;
      if (code === 0 && this.source.kind === 'file' && !this.source.loop) break;
      failures = frames > 0 ? 0 : failures + 1;
      this.stats.reconnected(Date.now());
      this.deps.metrics.ffmpegRestarts.inc({ kind: 'pull' });
      const wait =
        code === 0 && frames > 0
          ? 1000 / this.device.detectFps
          : backoffMs(failures, this.deps.backoffMinMs, this.deps.backoffMaxMs);
      this.deps.logger.debug(
        { device: this.device.deviceId, code, frames, wait },
        'pull source ended; reconnecting',
      );
      await sleep(wait, signal);
    }
    this.stats.pullConnected = undefined;
  }

  /**
   * A refused frame is counted by the intake. When the device's backlog is full, stop reading
   * for Retry-After (ffmpeg blocks on its pipe, and a live source catches up after) instead of
   * offering every next frame to a stream that will refuse it too.
   */
  private async onRefused(err: unknown): Promise<void> {
    if (!isBacklogFull(err)) {
      this.deps.logger.warn({ err, device: this.device.deviceId }, 'pulled frame refused');
      return;
    }
    this.deps.logger.debug({ device: this.device.deviceId }, 'backlog full; pull waits');
    await sleep(BACKLOG_RETRY_AFTER_SEC * 1000, this.abort.signal);
  }

  /** One ffmpeg run: frames delivered and its exit code. */
  private async readOnce(): Promise<{ frames: number; code: number | null }> {
    const decoder = spawnFrameDecoder({
      ffmpegPath: this.deps.ffmpegPath,
      input: this.source.input,
      inputArgs: this.source.inputArgs,
      fps: this.device.detectFps,
      maxFrameBytes: this.deps.maxFrameBytes,
    });
    this.decoder = decoder;
    let frames = 0;
    let watchdog = setTimeout(() => decoder.stop(), this.deps.stallMs);
    try {
      for await (const jpeg of decoder.frames) {
        clearTimeout(watchdog);
        watchdog = setTimeout(() => decoder.stop(), this.deps.stallMs);
        frames++;
        this.stats.pullConnected = true;
        const refused = await this.deps.intake
          .accept({
            device: this.device,
            bytes: jpeg,
            source: 'pull',
            frameId: randomUUID(),
            clientNamed: false,
          })
          .then(
            () => undefined,
            (err: unknown) => err,
          );
        if (refused !== undefined) await this.onRefused(refused);
        if (this.abort.signal.aborted) break;
      }
    } finally {
      clearTimeout(watchdog);
      decoder.stop();
    }
    const { code } = await decoder.exited;
    return { frames, code };
  }
}
