import sharp from 'sharp';
import { type Placement, planInput } from '../domain/input-layout.js';
import type { InputGeometry } from '../domain/types.js';

/**
 * The frame resized for the model as interleaved RGB bytes, without the padding that completes
 * the model input (`geometry.padX` / `padY` say where it sits), and how it was made.
 */
export interface DecodedInput {
  pixels: Buffer;
  width: number;
  height: number;
  geometry: InputGeometry;
}

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
 * Decode and resize in libvips in one pipeline, straight to raw RGB at the size planned for the
 * model input. Only the header is read first, to plan the resize from the source size. The padding
 * is left to the tensor fill: libvips' `extend` cost ~1.5 ms of a ~11 ms decode of a 1080p frame.
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
    const { resizedWidth, resizedHeight } = layout;
    const pipeline = sharp(image, { failOn: 'error' })
      .removeAlpha()
      .toColourspace('srgb')
      // Linear like OpenCV's INTER_LINEAR that YOLOX was trained with (lanczos shifts scores).
      .resize(resizedWidth, resizedHeight, { fit: 'fill', kernel: 'linear' });
    const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== 3 || info.width !== resizedWidth || info.height !== resizedHeight) {
      throw new Error(
        `decoded to ${info.width}x${info.height}x${info.channels}, wanted ${resizedWidth}x${resizedHeight}x3`,
      );
    }
    return { pixels: data, width: resizedWidth, height: resizedHeight, geometry: layout.geometry };
  } catch (err) {
    throw new UndecodableImageError(err);
  }
}
