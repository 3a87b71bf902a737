import { streams } from '@sightline/contracts';
import { FrameRejection } from '../adapters/image-normalizer.js';

/** Metric reason and public error code of a frame refused because its device's backlog is full. */
export const BACKLOG_FULL = 'backlog_full';

/** What a camera is told to wait: inference frees a place with every frame it finishes. */
export const BACKLOG_RETRY_AFTER_SEC = 1;

/**
 * FRAMES holds at most this many frames per device waiting for inference; the next is refused
 * by JetStream rather than an older one discarded unseen (contracts: streams.frames).
 */
export const BACKLOG_PER_DEVICE = streams.frames.maxMsgsPerSubject;

export function backlogFull(deviceId: string): FrameRejection {
  return new FrameRejection(
    BACKLOG_FULL,
    'backlog_full',
    `device ${deviceId} already has ${BACKLOG_PER_DEVICE} frames waiting for analysis; retry in ${BACKLOG_RETRY_AFTER_SEC} s`,
    { 'Retry-After': String(BACKLOG_RETRY_AFTER_SEC) },
  );
}

export function isBacklogFull(err: unknown): boolean {
  return err instanceof FrameRejection && err.reason === BACKLOG_FULL;
}
