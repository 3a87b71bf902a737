import sharp from 'sharp';
import { type Placement, planInput } from '../domain/input-layout.js';
import type { InputGeometry } from '../domain/types.js';

/** The model input as interleaved RGB bytes, already resized and padded, and how it was made. */
export interface DecodedInput {
  pixels: Buffer;
  width: number;
  height: number;
  geometry: InputGeometry;
}

const PAD = { r: 114, g: 114, b: 114 };

/**
 * No libvips operation cache for camera frames: no frame is decoded twice, so the cache would only
 * hold up to 50 MB of them. (libvips' threads per image stay at sharp's default, one per core: one
 * thread a frame made no difference to bench:inference on 2 cores.)
 */
export function configureDecoding(): void {
  sharp.cache(false);
}

/** An image sharp could not read; the worker drops such a frame instead of crashing. */
export class UndecodableImageError extends Error {
  constructor(cause: unknown) {
    super(`undecodable image: ${(cause as Error)?.message ?? String(cause)}`);
    this.name = 'UndecodableImageError';
  }
}

/**
 * Decode, resize and pad in libvips in one pipeline, straight to raw RGB at the model's input
 * size. Only the header is read first, to plan the resize from the source size.
 */
export async function decodeForModel(
  image: Uint8Array,
  inputWidth: number,
  inputHeight: number,
  placement: Placement,
): Promise<DecodedInput> {
  try {
    const meta = await sharp(image, { failOn: 'error' }).metadata();
    if (!meta.width || !meta.height) throw new Error('no image size in header');
    const layout = planInput(meta.width, meta.height, inputWidth, inputHeight, placement);
    const { padX, padY } = layout.geometry;
    let pipeline = sharp(image, { failOn: 'error' })
      .removeAlpha()
      .toColourspace('srgb')
      // Linear like OpenCV's INTER_LINEAR that YOLOX was trained with (lanczos shifts scores).
      .resize(layout.resizedWidth, layout.resizedHeight, { fit: 'fill', kernel: 'linear' });
    const right = inputWidth - layout.resizedWidth - padX;
    const bottom = inputHeight - layout.resizedHeight - padY;
    if (padX || padY || right || bottom) {
      pipeline = pipeline.extend({ top: padY, left: padX, right, bottom, background: PAD });
    }
    const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== 3 || info.width !== inputWidth || info.height !== inputHeight) {
      throw new Error(
        `decoded to ${info.width}x${info.height}x${info.channels}, wanted ${inputWidth}x${inputHeight}x3`,
      );
    }
    return { pixels: data, width: inputWidth, height: inputHeight, geometry: layout.geometry };
  } catch (err) {
    throw new UndecodableImageError(err);
  }
}
