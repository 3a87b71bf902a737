import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Device } from '@sightline/contracts';
import type { Logger } from '@sightline/service-kit';
import type { FrameIntake } from '../domain/frame-intake.js';
import type { UploadJob } from '../domain/upload-jobs.js';
import type { IngestMetrics } from '../metrics.js';
import { spawnFrameDecoder } from './ffmpeg.js';

export interface VideoJobDeps {
  intake: FrameIntake;
  metrics: IngestMetrics;
  logger: Logger;
  ffmpegPath: string;
  maxFrameBytes: number;
  /** 1 = real time at the detect fps; higher publishes faster. */
  speed: number;
  /** Called after each frame and at the end, to mirror progress. */
  onProgress: (job: UploadJob) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Decode an uploaded video at the device's detect fps and feed each frame through the intake as
 * if a camera sent it, at `speed` × real time (FRAMES keeps only a few frames per device, so a
 * whole file at once would overwrite itself before inference reads it). Deletes the file's (temporary) folder after.
 */
export async function runVideoJob(
  deps: VideoJobDeps,
  job: UploadJob,
  device: Device,
  file: string,
  signal: AbortSignal,
): Promise<void> {
  const decoder = spawnFrameDecoder({
    ffmpegPath: deps.ffmpegPath,
    input: file,
    fps: device.detectFps,
    maxFrameBytes: deps.maxFrameBytes,
  });
  signal.addEventListener('abort', () => decoder.stop(), { once: true });
  const intervalMs = 1000 / (device.detectFps * deps.speed);
  const started = Date.now();
  try {
    for await (const jpeg of decoder.frames) {
      const due = started + (job.framesDone + job.framesFailed) * intervalMs;
      if (due > Date.now()) await sleep(due - Date.now());
      const ok = await deps.intake
        .accept({
          device,
          bytes: jpeg,
          source: 'upload',
          frameId: randomUUID(),
          clientNamed: false,
          paced: false,
        })
        .then(
          () => true,
          () => false,
        );
      if (ok) job.framesDone++;
      else job.framesFailed++;
      job.updatedAt = Date.now();
      deps.onProgress(job);
    }
    const { code, stderr } = await decoder.exited;
    if (code !== 0) throw new Error(`ffmpeg exited with ${code}: ${stderr.trim().split('\n').pop() ?? ''}`);
    job.state = 'done';
    // The estimate from the duration may be off by a frame or two; the real count wins.
    job.framesTotal = job.framesDone + job.framesFailed;
  } catch (err) {
    decoder.stop();
    job.state = 'failed';
    job.error = (err as Error).message;
    deps.logger.warn({ err, jobId: job.jobId }, 'upload job failed');
  } finally {
    job.updatedAt = Date.now();
    deps.metrics.uploadJobs.inc({ state: job.state });
    deps.onProgress(job);
    await rm(dirname(file), { recursive: true, force: true });
  }
}
