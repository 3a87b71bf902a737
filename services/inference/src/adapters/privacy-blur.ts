import sharp from 'sharp';
import type { Xyxy } from '../domain/types.js';

/** Grow a box by a margin (share of its size) and round it to whole pixels inside the frame. */
function pixelRegion(box: Xyxy, width: number, height: number, margin: number) {
  const mx = (box[2] - box[0]) * margin;
  const my = (box[3] - box[1]) * margin;
  const left = Math.max(0, Math.floor(box[0] - mx));
  const top = Math.max(0, Math.floor(box[1] - my));
  const right = Math.min(width, Math.ceil(box[2] + mx));
  const bottom = Math.min(height, Math.ceil(box[3] + my));
  return { left, top, width: right - left, height: bottom - top };
}

/**
 * Blur the given regions (faces) of a JPEG for frames that leave the platform. Each region is
 * cut out, blurred hard enough to be unrecognisable, and put back; the rest stays untouched.
 */
export async function blurRegions(jpeg: Uint8Array, boxes: readonly Xyxy[], margin = 0.1): Promise<Buffer> {
  const meta = await sharp(jpeg).metadata();
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  const regions = boxes
    .map((b) => pixelRegion(b, width, height, margin))
    .filter((r) => r.width > 2 && r.height > 2);
  if (regions.length === 0) return Buffer.from(jpeg);
  const patches = await Promise.all(
    regions.map(async (r) => ({
      input: await sharp(jpeg)
        .extract(r)
        .blur(Math.max(3, Math.min(r.width, r.height) / 4))
        .toBuffer(),
      left: r.left,
      top: r.top,
    })),
  );
  return sharp(jpeg).composite(patches).jpeg({ quality: 85 }).toBuffer();
}
