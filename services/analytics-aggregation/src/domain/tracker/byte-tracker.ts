import { assign } from './assignment.js';
import { iou } from './iou.js';
import { boxOfState, initiate, type KalmanState, predict, update, xyahOfBox } from './kalman.js';

export interface TrackerInput {
  label: string;
  score: number;
  /** x1, y1, x2, y2 */
  box: readonly [number, number, number, number];
}

export interface TrackerOptions {
  trackHigh: number;
  trackLow: number;
  /** A new track needs at least this score (ByteTrack: trackHigh + 0.1). */
  newTrack: number;
  birthHits: number;
  /**
   * Frame time, in ms, a tentative track must have been seen over (first hit to this one) before
   * it is confirmed, besides its `birthHits` hits; and the time without a hit after which a
   * tentative track is dropped as noise. 0 gives ByteTrack's frame rules exactly.
   */
  confirmMs: number;
  maxMissed: number;
  /** Max 1 - IoU accepted in the first, second and unconfirmed stages. */
  matchHigh: number;
  matchLow: number;
  matchUnconfirmed: number;
}

/**
 * How long, in seconds, a new track must have been seen before it is confirmed, and how long a
 * tentative track may go unseen before it is dropped. ByteTrack's rules are in frames (confirm on
 * the second consecutive hit, drop a tentative track on its first miss), so what they mean depends
 * on the frame rate: at 25 fps two hits are 40 ms apart, nearly the same picture (a walking person
 * moves 6 cm), so a false detection that lasts two frames (a shadow, a pose, two people merged into
 * one box) is confirmed and then coasts for the whole coastSec. Kept as a time, the rules mean at
 * any rate what they mean at the platform's default detect rate (5 fps, the control plane's
 * `detectFps` default). There, frames are 0.2 s apart on average, but ingest's pacer admits a frame
 * up to half an interval early, so two consecutive frames can be as little as 0.1 s apart: 0.1 s is
 * the longest time for which ByteTrack's rules still hold exactly at the default rate (the second
 * frame always confirms, a missed frame always drops). At 25 fps it takes 4 hits over 0.12 s, in
 * which a walking person moves about 0.17 m, a third of a body width. Argued from these figures, not
 * fitted to the evaluation sequences (docs/accuracy.md: the evaluation is flat from 0.1 to 0.4 s).
 */
export const DEFAULT_CONFIRM_SEC = 0.1;

export const defaultTrackerOptions: TrackerOptions = {
  trackHigh: 0.5,
  trackLow: 0.1,
  newTrack: 0.6,
  birthHits: 2,
  confirmMs: DEFAULT_CONFIRM_SEC * 1000,
  maxMissed: 30,
  matchHigh: 0.8,
  matchLow: 0.5,
  matchUnconfirmed: 0.7,
};

interface Track {
  id: number;
  label: string;
  kf: KalmanState;
  hits: number;
  missed: number;
  confirmed: boolean;
  score: number;
  /** Box of the detection that started the track, before it was confirmed. */
  firstBox: readonly [number, number, number, number];
  /** Tracker frame (1-based) the track was confirmed on; 0 while tentative. */
  confirmedOn: number;
  /** Frame times (ms) of its first and of its latest hit. */
  bornAt: number;
  seenAt: number;
}

/** A confirmed track seen in this frame, tied to the detection that updated it. */
export interface TrackedObject {
  trackId: number;
  detectionIndex: number;
  label: string;
  score: number;
  box: readonly [number, number, number, number];
  /** Where the track was born: lets a line counter know the side it came from, even if it
   * crossed while still unconfirmed. */
  firstBox?: readonly [number, number, number, number];
}

/** A confirmed track the detector missed in this frame, still kept for re-association. */
export interface CoastingTrack {
  trackId: number;
  label: string;
  /** The Kalman prediction for this frame: no detection backs it. */
  box: readonly [number, number, number, number];
  /** Consecutive frames without a match, this one included (1..maxMissed). */
  missedFrames: number;
}

export interface TrackerStep {
  tracked: TrackedObject[];
  /** Confirmed tracks not matched in this frame and not yet ended, by id. */
  coasting: CoastingTrack[];
  /** Ids of confirmed tracks removed in this step (lost for longer than maxMissed). */
  ended: number[];
}

/**
 * ByteTrack: predict every track, match high-score detections to the tracks in view, then to
 * the lost ones (a cascade, as DeepSORT does), then low-score detections to the tracks in view
 * still unmatched, then unconfirmed tracks to the leftover high detections. Matching is within one
 * label only. Ids are handed out at confirmation so short-lived false tracks never burn an id.
 * A track is confirmed once it has had `birthHits` hits spanning at least `confirmMs` of frame
 * time, and a tentative track unseen for `confirmMs` is dropped: ByteTrack's two rules, kept in
 * time rather than frames (DEFAULT_CONFIRM_SEC). As in ByteTrack (`STrack.activate` with
 * `frame_id == 1`), tracks born on the first frame are confirmed at once: with no earlier frame to
 * confirm them, a device's first frame (or a single posted still) would otherwise show nobody.
 */
export class ByteTracker {
  private tracks: Track[] = [];
  private nextId = 1;
  /** Frames stepped so far; the current frame's 1-based index during a step. */
  private frame = 0;
  /** Frame time (ms) of the current step. */
  private now = 0;
  constructor(private readonly options: TrackerOptions = defaultTrackerOptions) {}

  get size(): number {
    return this.tracks.length;
  }

  /** One frame: its detections and its capture time in ms (frame time, not wall time). */
  step(detections: readonly TrackerInput[], at: number): TrackerStep {
    const o = this.options;
    this.frame++;
    this.now = at;
    for (const t of this.tracks) predict(t.kf);
    const high: number[] = [];
    const low: number[] = [];
    detections.forEach((d, i) => {
      if (d.score >= o.trackHigh) high.push(i);
      else if (d.score >= o.trackLow) low.push(i);
    });
    const confirmed = this.tracks.filter((t) => t.confirmed);
    const unconfirmed = this.tracks.filter((t) => !t.confirmed);
    const matched = new Map<Track, number>();

    // Tracks seen last frame get first pick of the high detections, then lost tracks: a lost
    // track's coasting prediction must not steal the box of a track that is still in view.
    const active = this.match(
      confirmed.filter((t) => t.missed === 0),
      high,
      detections,
      o.matchHigh,
      matched,
    );
    const lost = this.match(
      confirmed.filter((t) => t.missed > 0),
      active.detections,
      detections,
      o.matchHigh,
      matched,
    );
    // As in ByteTrack, low-score boxes only extend tracks that were in view.
    const second = this.match(active.tracks, low, detections, o.matchLow, matched);
    const third = this.match(unconfirmed, lost.detections, detections, o.matchUnconfirmed, matched);

    const ended: number[] = [];
    for (const t of [...second.tracks, ...lost.tracks]) t.missed++;
    // An unconfirmed track not seen for confirmMs was noise (with confirmMs 0: on its first miss).
    const deadTentative = new Set(third.tracks.filter((t) => at - t.seenAt >= o.confirmMs));
    this.tracks = this.tracks.filter((t) => {
      if (deadTentative.has(t)) return false;
      if (t.confirmed && t.missed > o.maxMissed) {
        ended.push(t.id);
        return false;
      }
      return true;
    });
    for (const i of third.detections) {
      const d = detections[i]!;
      if (d.score >= o.newTrack) this.birth(d, matched, i);
    }
    return { tracked: this.output(matched, detections), coasting: this.coasting(), ended };
  }

  private match(
    tracks: Track[],
    detIdx: number[],
    detections: readonly TrackerInput[],
    maxCost: number,
    matched: Map<Track, number>,
  ): { tracks: Track[]; detections: number[] } {
    const boxes = tracks.map((t) => boxOfState(t.kf));
    const cost = tracks.map((t, r) =>
      detIdx.map((i) => (detections[i]!.label === t.label ? 1 - iou(boxes[r]!, detections[i]!.box) : 1)),
    );
    const result = assign(cost, tracks.length, detIdx.length, maxCost);
    for (const [r, c] of result.matches) {
      const track = tracks[r]!;
      const i = detIdx[c]!;
      const d = detections[i]!;
      update(track.kf, xyahOfBox(d.box));
      track.hits++;
      track.missed = 0;
      track.score = d.score;
      track.seenAt = this.now;
      if (
        !track.confirmed &&
        track.hits >= this.options.birthHits &&
        this.now - track.bornAt >= this.options.confirmMs
      )
        this.confirm(track);
      matched.set(track, i);
    }
    return {
      tracks: result.unmatchedRows.map((r) => tracks[r]!),
      detections: result.unmatchedCols.map((c) => detIdx[c]!),
    };
  }

  private birth(d: TrackerInput, matched: Map<Track, number>, index: number): void {
    const track: Track = {
      id: 0,
      label: d.label,
      kf: initiate(xyahOfBox(d.box)),
      hits: 1,
      missed: 0,
      confirmed: false,
      score: d.score,
      firstBox: d.box,
      confirmedOn: 0,
      bornAt: this.now,
      seenAt: this.now,
    };
    if (this.options.birthHits <= 1 || this.frame === 1) this.confirm(track);
    this.tracks.push(track);
    matched.set(track, index);
  }

  private confirm(track: Track): void {
    track.confirmed = true;
    track.id = this.nextId++;
    track.confirmedOn = this.frame;
  }

  /** Called after matching: every confirmed track still alive with a miss in this frame. */
  private coasting(): CoastingTrack[] {
    return this.tracks
      .filter((t) => t.confirmed && t.missed > 0)
      .map((t) => ({ trackId: t.id, label: t.label, box: boxOfState(t.kf), missedFrames: t.missed }))
      .sort((a, b) => a.trackId - b.trackId);
  }

  private output(matched: Map<Track, number>, detections: readonly TrackerInput[]): TrackedObject[] {
    const out: TrackedObject[] = [];
    for (const [track, i] of matched) {
      if (!track.confirmed) continue;
      const d = detections[i]!;
      out.push({
        trackId: track.id,
        detectionIndex: i,
        label: d.label,
        score: d.score,
        box: d.box,
        // Only on the frame the track is confirmed: later consumers must not re-apply it.
        ...(track.confirmedOn === this.frame ? { firstBox: track.firstBox } : {}),
      });
    }
    return out.sort((a, b) => a.trackId - b.trackId);
  }
}
