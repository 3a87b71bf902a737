import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Device } from '@sightline/contracts';
import type { Logger } from '@sightline/service-kit';
import { BACKLOG_RETRY_AFTER_SEC, isBacklogFull } from '../domain/backlog.js';
import type { FrameInput, FrameIntake } from '../domain/frame-intake.js';
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

/** How long one frame of a video may wait for room in its device's backlog before it fails. */
const BACKLOG_GIVE_UP_MS = 60_000;

/**
 * Offer a decoded frame until its device's backlog in FRAMES has room: each `backlog_full`
 * refusal (counted by the intake) waits Retry-After and tries the same frame again, so a video
 * is paced by inference rather than losing frames. Any other refusal fails the frame.
 */
async function acceptWhenRoom(intake: FrameIntake, input: FrameInput, signal: AbortSignal): Promise<boolean> {
  const giveUpAt = Date.now() + BACKLOG_GIVE_UP_MS;
  for (;;) {
    try {
      await intake.accept(input);
      return true;
    } catch (err) {
      if (!isBacklogFull(err) || signal.aborted || Date.now() >= giveUpAt) return false;
      await sleep(BACKLOG_RETRY_AFTER_SEC * 1000);
    }
  }
}

/**
 * Decode an uploaded video at the device's detect fps and feed each frame through the intake as
 * if a camera sent it, at `speed` × real time (FRAMES holds only 30 waiting frames per device;
 * beyond them a frame waits for room, see acceptWhenRoom). Deletes the file's (temporary) folder after.
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
      const ok = await acceptWhenRoom(
        deps.intake,
        { device, bytes: jpeg, source: 'upload', frameId: randomUUID(), clientNamed: false, paced: false },
        signal,
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
