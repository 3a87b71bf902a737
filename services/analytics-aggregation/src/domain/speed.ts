import type { Point, SceneCalibration } from '@sightline/contracts';
import { applyHomography } from './geometry.js';

export interface Speed {
  pxPerSec: number;
  /** Only with a calibration. */
  mPerSec?: number;
}

interface Sample {
  at: number;
  anchor: Point;
}

/** Speed of each track from its anchor over the last `windowMs` (about a second smooths box jitter). */
export class SpeedEstimator {
  private readonly history = new Map<number, Sample[]>();

  constructor(
    private readonly calibration: SceneCalibration | undefined,
    private readonly windowMs = 1000,
  ) {}

  update(trackId: number, anchor: Point, at: number): Speed | undefined {
    let samples = this.history.get(trackId);
    if (!samples) {
      samples = [];
      this.history.set(trackId, samples);
    }
    samples.push({ at, anchor });
    while (samples.length > 2 && samples[1]!.at <= at - this.windowMs) samples.shift();
    const first = samples[0]!;
    const dt = (at - first.at) / 1000;
    if (dt <= 0) return undefined;
    const px = Math.hypot(anchor[0] - first.anchor[0], anchor[1] - first.anchor[1]);
    return { pxPerSec: px / dt, mPerSec: this.meters(first.anchor, anchor, px) / dt };
  }

  end(trackIds: readonly number[]): void {
    for (const id of trackIds) this.history.delete(id);
  }

  private meters(from: Point, to: Point, px: number): number {
    const h = this.calibration?.homography;
    if (h) {
      const a = applyHomography(h, from);
      const b = applyHomography(h, to);
      return Math.hypot(b[0] - a[0], b[1] - a[1]);
    }
    const scale = this.calibration?.metersPerPixel;
    return scale ? px * scale : Number.NaN;
  }
}
