import { type FrameMeta, frameHeaders, subjects } from '@sightline/contracts';
import { isSubjectFull, type JetStreamClient, publishBytes } from '@sightline/nats';
import { backlogFull } from '../domain/backlog.js';

/** Every FrameMeta field as a header string, so consumers route without parsing the image. */
export function metaHeaders(meta: FrameMeta): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, header] of Object.entries(frameHeaders) as [keyof FrameMeta, string][]) {
    const value = meta[field];
    if (value !== undefined) out[header] = String(value);
  }
  return out;
}

export interface PublishResult {
  duplicate: boolean;
  seq: number;
}

export type FramePublisher = (meta: FrameMeta, jpeg: Uint8Array) => Promise<PublishResult>;

/**
 * Publish a JPEG on FRAMES with its frame id as Nats-Msg-Id (a retry within the window is stored
 * once). Throws the `backlog_full` rejection when the device's backlog in FRAMES is full.
 */
export function jetStreamFramePublisher(js: JetStreamClient): FramePublisher {
  return async (meta, jpeg) => {
    try {
      const ack = await publishBytes(js, subjects.frames(meta.tenantId, meta.deviceId), jpeg, {
        msgId: meta.frameId,
        headers: metaHeaders(meta),
      });
      return { duplicate: ack.duplicate, seq: ack.seq };
    } catch (err) {
      // FRAMES refuses a device's frame beyond those still waiting for inference (discard new).
      throw isSubjectFull(err) ? backlogFull(meta.deviceId) : err;
    }
  };
}
