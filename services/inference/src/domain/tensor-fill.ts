/** How a model wants its pixels: channel order and (p - mean) * scale. */
export interface PixelNorm {
  order: 'bgr' | 'rgb';
  mean: number;
  scale: number;
}

/**
 * Interleaved RGB bytes (HWC) → planar CHW floats in the model's channel order, in one pass,
 * into a buffer the caller reuses. `out` must hold 3 × width × height values.
 */
export function fillChw(
  rgb: Uint8Array,
  pixelCount: number,
  norm: PixelNorm,
  out: Float32Array,
): Float32Array {
  if (rgb.length < pixelCount * 3)
    throw new Error(`pixel buffer holds ${rgb.length} bytes, need ${pixelCount * 3}`);
  if (out.length < pixelCount * 3)
    throw new Error(`tensor buffer holds ${out.length} values, need ${pixelCount * 3}`);
  // Plane offsets of R, G and B in the output.
  const rPlane = norm.order === 'rgb' ? 0 : 2 * pixelCount;
  const gPlane = pixelCount;
  const bPlane = norm.order === 'rgb' ? 2 * pixelCount : 0;
  const { mean, scale } = norm;
  if (mean === 0 && scale === 1) {
    for (let i = 0, p = 0; i < pixelCount; i++, p += 3) {
      out[rPlane + i] = rgb[p]!;
      out[gPlane + i] = rgb[p + 1]!;
      out[bPlane + i] = rgb[p + 2]!;
    }
    return out;
  }
  for (let i = 0, p = 0; i < pixelCount; i++, p += 3) {
    out[rPlane + i] = (rgb[p]! - mean) * scale;
    out[gPlane + i] = (rgb[p + 1]! - mean) * scale;
    out[bPlane + i] = (rgb[p + 2]! - mean) * scale;
  }
  return out;
}
