/** x1, y1, x2, y2 in pixels of a frame. */
export type Xyxy = readonly [number, number, number, number];

export interface Size {
  width: number;
  height: number;
}

/** A whole-pixel rectangle of a frame, as sharp's `extract` takes it. */
export interface PixelRect {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Share of a box's width (height) added left and right (above and below): some context around it. */
export const CROP_MARGIN = 0.1;

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/**
 * The frame region an event image shows for a box: grown by `margin` of its size on each side,
 * rounded outwards to whole pixels (at least one) and clipped to the frame. Undefined when no
 * part of it lies inside the frame.
 */
export function cropRect(box: Xyxy, frame: Size, margin = CROP_MARGIN): PixelRect | undefined {
  const mx = Math.max(0, box[2] - box[0]) * margin;
  const my = Math.max(0, box[3] - box[1]) * margin;
  const x1 = Math.floor(box[0] - mx);
  const y1 = Math.floor(box[1] - my);
  const x2 = Math.max(Math.ceil(box[2] + mx), x1 + 1);
  const y2 = Math.max(Math.ceil(box[3] + my), y1 + 1);
  const left = clamp(x1, 0, frame.width);
  const top = clamp(y1, 0, frame.height);
  const right = clamp(x2, 0, frame.width);
  const bottom = clamp(y2, 0, frame.height);
  if (right <= left || bottom <= top) return undefined;
  return { left, top, width: right - left, height: bottom - top };
}

/** The encoded image's size: longest side at most `maxSide`, aspect kept, never enlarged. */
export function fitWithin(size: Size, maxSide: number): Size {
  const scale = Math.min(1, maxSide / Math.max(size.width, size.height));
  return {
    width: Math.max(1, Math.round(size.width * scale)),
    height: Math.max(1, Math.round(size.height * scale)),
  };
}

/** A box in `from`'s pixels, in `to`'s pixels (the same picture at another size). */
export function scaleBox(box: Xyxy, from: Size, to: Size): Xyxy {
  if (from.width === to.width && from.height === to.height) return box;
  const sx = to.width / from.width;
  const sy = to.height / from.height;
  return [box[0] * sx, box[1] * sy, box[2] * sx, box[3] * sy];
}
