import sharp from 'sharp';
import { cropRect, type PixelRect, type Size, type Xyxy } from '../domain/crop-geometry.js';

export class UndecodableFrameError extends Error {
  constructor(cause: unknown) {
    super(`frame is not a decodable image: ${(cause as Error)?.message ?? String(cause)}`);
    this.name = 'UndecodableFrameError';
  }
}

/** A frame decoded once to raw pixels, so each event of the frame is cropped without decoding again. */
export interface DecodedFrame extends Size {
  pixels: Buffer;
  channels: 1 | 2 | 3 | 4;
}

const rawOf = (f: DecodedFrame) => ({ raw: { width: f.width, height: f.height, channels: f.channels } });

/**
 * Decode a JPEG and blur the given face boxes in it, as inference blurs the live frames: an
 * event image leaves the platform too, and a private device's faces must not leave in it.
 */
export async function decodeFrame(jpeg: Uint8Array, faces: readonly Xyxy[]): Promise<DecodedFrame> {
  const decoded = await sharp(jpeg)
    .raw()
    .toBuffer({ resolveWithObject: true })
    .catch((err: unknown) => {
      throw new UndecodableFrameError(err);
    });
  const frame: DecodedFrame = {
    pixels: decoded.data,
    width: decoded.info.width,
    height: decoded.info.height,
    channels: decoded.info.channels,
  };
  return faces.length === 0 ? frame : blurFaces(frame, faces);
}

async function blurFaces(frame: DecodedFrame, faces: readonly Xyxy[]): Promise<DecodedFrame> {
  const regions = faces.flatMap((f) => cropRect(f, frame) ?? []).filter((r) => r.width > 2 && r.height > 2);
  if (regions.length === 0) return frame;
  const patches = await Promise.all(
    regions.map(async (r) => ({
      input: await sharp(frame.pixels, rawOf(frame))
        .extract(r)
        .blur(Math.max(3, Math.min(r.width, r.height) / 4))
        .raw()
        .toBuffer(),
      raw: { width: r.width, height: r.height, channels: frame.channels },
      left: r.left,
      top: r.top,
    })),
  );
  // Compositing adds an alpha channel; dropping it keeps the frame's own layout.
  const { data, info } = await sharp(frame.pixels, rawOf(frame))
    .composite(patches)
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { ...frame, pixels: data, channels: info.channels };
}

/** One region of the frame as a JPEG of exactly `size` (the caller bounds it). */
export function cropJpeg(frame: DecodedFrame, rect: PixelRect, size: Size): Promise<Buffer> {
  return sharp(frame.pixels, rawOf(frame))
    .extract(rect)
    .resize(size.width, size.height, { fit: 'fill' })
    .jpeg({ quality: 80 })
    .toBuffer();
}
