import { ApiError } from '@sightline/contracts';
import sharp, { type Metadata } from 'sharp';
import { hasJpegEnd, jpegDimensions, sniffImage } from '../domain/image-format.js';

export interface ImageLimits {
  maxBytes: number;
  maxPixels: number;
  minSide: number;
  maxSide: number;
}

export interface NormalizedImage {
  jpeg: Buffer;
  width: number;
  height: number;
  convertedFrom?: 'png';
}

/** A refusal with the metric reason beside the public error. */
export class FrameRejection extends ApiError {
  constructor(
    readonly reason: string,
    code: ConstructorParameters<typeof ApiError>[0],
    message: string,
    headers: Record<string, string> = {},
  ) {
    super(code, message, headers);
  }
}

/**
 * Bytes in, a JPEG within limits out: magic bytes (415), size (413), decodable header and
 * dimensions (400). PNG is converted to JPEG; a JPEG is passed through untouched (header read only).
 */
export async function normalizeImage(bytes: Buffer, limits: ImageLimits): Promise<NormalizedImage> {
  if (bytes.length > limits.maxBytes) {
    throw new FrameRejection(
      'too_large',
      'payload_too_large',
      `frame is ${bytes.length} bytes; the limit is ${limits.maxBytes}`,
    );
  }
  const format = sniffImage(bytes);
  if (!format)
    throw new FrameRejection(
      'not_an_image',
      'unsupported_media_type',
      'frame is neither JPEG nor PNG (magic bytes)',
    );
  if (format === 'jpeg' && !hasJpegEnd(bytes)) {
    throw new FrameRejection('truncated', 'bad_request', 'JPEG is truncated: no end-of-image marker');
  }
  // A JPEG's size is read from its SOF marker (the hot path); sharp reads anything else.
  const fast = format === 'jpeg' ? jpegDimensions(bytes) : undefined;
  const { width, height } = fast ? checkDimensions(fast, limits) : await readDimensions(bytes, limits);
  if (format === 'jpeg') return { jpeg: bytes, width, height };
  const jpeg = await sharp(bytes, { limitInputPixels: limits.maxPixels })
    .jpeg({ quality: 90 })
    .toBuffer()
    .catch(() => {
      throw new FrameRejection('undecodable', 'bad_request', 'PNG could not be decoded');
    });
  if (jpeg.length > limits.maxBytes) {
    throw new FrameRejection(
      'too_large',
      'payload_too_large',
      `frame as JPEG is ${jpeg.length} bytes; the limit is ${limits.maxBytes}`,
    );
  }
  return { jpeg, width, height, convertedFrom: 'png' };
}

async function readDimensions(
  bytes: Buffer,
  limits: ImageLimits,
): Promise<{ width: number; height: number }> {
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch {
    throw new FrameRejection('undecodable', 'bad_request', 'image header could not be decoded');
  }
  const { width, height } = meta;
  if (!width || !height) throw new FrameRejection('undecodable', 'bad_request', 'image has no dimensions');
  return checkDimensions({ width, height }, limits);
}

function checkDimensions({ width, height }: { width: number; height: number }, limits: ImageLimits) {
  const tooSmall = width < limits.minSide || height < limits.minSide;
  const tooBig = width > limits.maxSide || height > limits.maxSide || width * height > limits.maxPixels;
  if (tooSmall || tooBig) {
    throw new FrameRejection(
      'bad_dimensions',
      'bad_request',
      `image is ${width}x${height}; each side must be ${limits.minSide}–${limits.maxSide} px and at most ${limits.maxPixels} pixels`,
    );
  }
  return { width, height };
}
