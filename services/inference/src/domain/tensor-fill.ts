/** How a model wants its pixels: channel order and (p - mean) * scale. */
export interface PixelNorm {
  order: 'bgr' | 'rgb';
  mean: number;
  scale: number;
}

/** Where a resized picture (interleaved RGB, `width` × `height`) sits in a larger model input. */
export interface PaddedPlacement {
  width: number;
  height: number;
  left: number;
  top: number;
  inputWidth: number;
  inputHeight: number;
  /** The grey every pixel outside the picture takes, in 0–255 (114 for YOLO letterboxes). */
  pad: number;
}

/**
 * Interleaved RGB bytes (HWC) of a picture placed in the model input → planar CHW floats in the
 * model's channel order, `(p - mean) * scale`, in one pass, into a buffer the caller reuses; the
 * rest of the input takes the pad value. The same tensor as padding the picture first (what
 * libvips' `extend` did, for ~1.5 ms a frame) and filling from that. `out` must hold
 * 3 × inputWidth × inputHeight values.
 */
export function fillChw(
  rgb: Uint8Array,
  at: PaddedPlacement,
  norm: PixelNorm,
  out: Float32Array,
): Float32Array {
  const { width, height, left, top, inputWidth, inputHeight } = at;
  if (left < 0 || top < 0 || left + width > inputWidth || top + height > inputHeight)
    throw new Error(
      `a ${width}x${height} picture at ${left},${top} does not fit ${inputWidth}x${inputHeight}`,
    );
  if (rgb.length < width * height * 3)
    throw new Error(`pixel buffer holds ${rgb.length} bytes, need ${width * height * 3}`);
  const plane = inputWidth * inputHeight;
  if (out.length < plane * 3) throw new Error(`tensor buffer holds ${out.length} values, need ${plane * 3}`);
  const planes = norm.order === 'rgb' ? [0, plane, 2 * plane] : [2 * plane, plane, 0];
  const [rPlane, gPlane, bPlane] = planes as [number, number, number];
  const { mean, scale } = norm;
  const padValue = (at.pad - mean) * scale;
  const fillPad = (from: number, count: number) => {
    if (count <= 0) return;
    for (const base of planes) out.fill(padValue, base + from, base + from + count);
  };
  // Rows above the picture, then each picture row between its side pads, then the rows below.
  fillPad(0, top * inputWidth);
  for (let y = 0; y < height; y++) {
    const rowStart = (top + y) * inputWidth;
    fillPad(rowStart, left);
    let p = y * width * 3;
    for (let i = rowStart + left, end = i + width; i < end; i++, p += 3) {
      out[rPlane + i] = (rgb[p]! - mean) * scale;
      out[gPlane + i] = (rgb[p + 1]! - mean) * scale;
      out[bPlane + i] = (rgb[p + 2]! - mean) * scale;
    }
    fillPad(rowStart + left + width, inputWidth - left - width);
  }
  fillPad((top + height) * inputWidth, (inputHeight - top - height) * inputWidth);
  return out;
}
