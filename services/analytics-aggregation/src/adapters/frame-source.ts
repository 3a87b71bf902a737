import { type JetStreamManager, jetstreamManager } from '@nats-io/jetstream';
import { frameHeaders, streams, subjects } from '@sightline/contracts';
import type { NatsConnection } from '@sightline/nats';

/** Why a frame could not be read back. */
export type FrameMissing = 'frame_gone' | 'frame_mismatch';

export type FrameRead = { jpeg: Uint8Array } | { missing: FrameMissing };

/** The frame a DetectionBatch was made from, as its FRAMES sequence and identity name it. */
export interface FrameRef {
  tenantId: string;
  deviceId: string;
  frameId: string;
  seq: number;
}

/** How often a frame the mirror has not copied yet is looked for again, and how long between. */
const MIRROR_LAG_RETRIES = 4;
const MIRROR_LAG_WAIT_MS = 25;

/**
 * Reads single frames back from FRAME_HISTORY, the mirror of FRAMES (same sequence numbers), by
 * stream sequence: FRAMES itself lets a frame go once inference acked it, the mirror keeps the
 * last 30 of each device for 5 minutes. ($JS.API.STREAM.MSG.GET, the only frame API the
 * analytics NATS user may call: no consumer, so it never sees a frame
 * nobody asked an image of).
 */
export class FrameSource {
  private constructor(private readonly jsm: JetStreamManager) {}

  static async open(nc: NatsConnection): Promise<FrameSource> {
    return new FrameSource(await jetstreamManager(nc));
  }

  async read(ref: FrameRef): Promise<FrameRead> {
    const stored = await this.stored(ref.seq);
    if (!stored) return { missing: 'frame_gone' };
    // The sequence comes in a message body: the stored frame must be this device's and this
    // frame, so a wrong or forged sequence never puts another tenant's picture in an event.
    const ours =
      stored.subject === subjects.frames(ref.tenantId, ref.deviceId) &&
      stored.header.get(frameHeaders.frameId) === ref.frameId;
    return ours ? { jpeg: stored.data } : { missing: 'frame_mismatch' };
  }

  /**
   * The stored frame, or null when it is gone (older than the mirror keeps). The mirror copies
   * asynchronously (a few ms behind FRAMES): a sequence beyond its last one is waited for briefly.
   */
  private async stored(seq: number) {
    const history = streams.frameHistory.name;
    for (let attempt = 0; ; attempt++) {
      const found = await this.jsm.streams.getMessage(history, { seq });
      if (found || attempt === MIRROR_LAG_RETRIES) return found;
      const { state } = await this.jsm.streams.info(history);
      if (state.last_seq >= seq) return null;
      await new Promise((r) => setTimeout(r, MIRROR_LAG_WAIT_MS * (attempt + 1)));
    }
  }
}
