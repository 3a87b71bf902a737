/** A box in some pixel space: x1, y1, x2, y2. */
export type Xyxy = [number, number, number, number];

/** One detection before it is shaped for the wire. */
export interface RawDetection {
  classId: number;
  score: number;
  box: Xyxy;
}

/**
 * How the model input was made from the source picture: model = source * scale + pad, per axis.
 * A letterbox has scaleX == scaleY; a plain resize (ultraface) does not.
 */
export interface InputGeometry {
  srcWidth: number;
  srcHeight: number;
  scaleX: number;
  scaleY: number;
  padX: number;
  padY: number;
}

/** Thresholds a decoder applies: the default and, per class id, overrides. */
export interface ScoreThresholds {
  byDefault: number;
  perClass: ReadonlyMap<number, number>;
}

export function thresholdOf(t: ScoreThresholds, classId: number): number {
  return t.perClass.get(classId) ?? t.byDefault;
}

/** The lowest threshold of any class: below it no candidate can survive. */
export function lowestThreshold(t: ScoreThresholds): number {
  let low = t.byDefault;
  for (const v of t.perClass.values()) low = Math.min(low, v);
  return low;
}
