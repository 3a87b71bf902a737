import type { CoastingTrack, TrackerStep } from './tracker/byte-tracker.js';

/**
 * How long, in seconds, a confirmed track the detector missed still counts as present. A
 * pass-by occlusion lasts about a body width over walking speed (0.5 m / 1.4 m/s ≈ 0.35 s), and a
 * detector miss a frame or a few at 5–30 fps; half a second bridges both, while someone who really
 * left stops counting within half a second. It stays under ByteTrack's 1 s lost-track buffer
 * (track_buffer 30 at 30 fps), so a counted track is always one ByteTrack would still keep.
 * Chosen from these figures, not fitted to the evaluation sequences.
 */
export const DEFAULT_COAST_SEC = 0.5;

/** An object counted as present in a frame. */
export interface PresentObject {
  trackId: number;
  label: string;
  /** True when no detection backs it in this frame (a coasting track). */
  coasting: boolean;
}

export interface FrameSize {
  width: number;
  height: number;
}

/**
 * Who is in the frame, by the tracker (ByteTrack's output plus a short coast): confirmed tracks
 * matched in this frame, and confirmed tracks missed for at most `coastMs` (frame time) whose
 * predicted box centre is still inside the frame. Tentative tracks (not yet confirmed by the tracker)
 * and ended tracks are not counted: a one-frame false detection must not count, and a dead track
 * is gone. Keeps the time each track was last matched, because the tracker counts frames and the
 * coast is a time.
 */
export class PresenceCounter {
  private readonly lastMatchedAt = new Map<number, number>();

  present(step: TrackerStep, at: number, coastMs: number, frame: FrameSize): PresentObject[] {
    for (const t of step.tracked) this.lastMatchedAt.set(t.trackId, at);
    for (const id of step.ended) this.lastMatchedAt.delete(id);
    const matched = step.tracked.map((t) => ({ trackId: t.trackId, label: t.label, coasting: false }));
    const coasting = step.coasting
      .filter((c) => this.withinCoast(c, at, coastMs) && centreInside(c.box, frame))
      .map((c) => ({ trackId: c.trackId, label: c.label, coasting: true }));
    return [...matched, ...coasting];
  }

  private withinCoast(track: CoastingTrack, at: number, coastMs: number): boolean {
    const last = this.lastMatchedAt.get(track.trackId);
    return last !== undefined && at - last <= coastMs;
  }
}

/** A prediction whose centre left the image is more than half out of view: not in the frame. */
function centreInside(box: readonly [number, number, number, number], frame: FrameSize): boolean {
  const cx = (box[0] + box[2]) / 2;
  const cy = (box[1] + box[3]) / 2;
  return cx >= 0 && cx <= frame.width && cy >= 0 && cy <= frame.height;
}
