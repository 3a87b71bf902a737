import { type FrameMeta, frameHeaders, subjects } from '@sightline/contracts';
import { type JetStreamClient, publishBytes } from '@sightline/nats';

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

/** Publish a JPEG on FRAMES with its frame id as Nats-Msg-Id (a retry within the window is stored once). */
export function jetStreamFramePublisher(js: JetStreamClient): FramePublisher {
  return async (meta, jpeg) => {
    const ack = await publishBytes(js, subjects.frames(meta.tenantId, meta.deviceId), jpeg, {
      msgId: meta.frameId,
      headers: metaHeaders(meta),
    });
    return { duplicate: ack.duplicate, seq: ack.seq };
  };
}
