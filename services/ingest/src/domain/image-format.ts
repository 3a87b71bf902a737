/** Pure checks on image bytes and their encodings; no decoding here. */

export type ImageFormat = 'jpeg' | 'png';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** The format by magic bytes, or undefined for anything else. */
export function sniffImage(bytes: Uint8Array): ImageFormat | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return 'png';
  return undefined;
}

/**
 * True when a JPEG ends with its end-of-image marker (a few trailing bytes of padding allowed).
 * A truncated upload keeps its header, so sharp's metadata alone would accept it.
 */
export function hasJpegEnd(bytes: Uint8Array, slack = 64): boolean {
  const from = Math.max(2, bytes.length - slack - 2);
  for (let i = bytes.length - 2; i >= from; i--) {
    if (bytes[i] === 0xff && bytes[i + 1] === 0xd9) return true;
  }
  return false;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const BASE64URL = /^[A-Za-z0-9_-]*={0,2}$/;
const DATA_URL_PREFIX = /^data:image\/[a-z+]+;base64,/i;

/** Strict base64 (standard or URL-safe, optional data: URL prefix); undefined when invalid. */
export function decodeBase64(text: string): Buffer | undefined {
  const body = text.replace(DATA_URL_PREFIX, '');
  if (body.length % 4 === 1) return undefined;
  if (BASE64.test(body)) return Buffer.from(body, 'base64');
  if (BASE64URL.test(body)) return Buffer.from(body, 'base64url');
  return undefined;
}

/** Upper bound of the decoded size of a base64 text, to refuse before decoding. */
export function base64DecodedLength(text: string): number {
  return Math.floor((text.length * 3) / 4);
}

/**
 * Width and height from a JPEG's start-of-frame marker (SOF0–SOF15 but DHT/JPG/DAC), walking the
 * marker segments: microseconds instead of a libvips call. Undefined when no valid SOF is found.
 */
export function jpegDimensions(bytes: Uint8Array): { width: number; height: number } | undefined {
  let i = 2;
  while (i + 9 < bytes.length) {
    if (bytes[i] !== 0xff) return undefined;
    const marker = bytes[i + 1]!;
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      i += 2;
      continue;
    }
    const length = (bytes[i + 2]! << 8) | bytes[i + 3]!;
    if (length < 2) return undefined;
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) {
      const height = (bytes[i + 5]! << 8) | bytes[i + 6]!;
      const width = (bytes[i + 7]! << 8) | bytes[i + 8]!;
      return width > 0 && height > 0 ? { width, height } : undefined;
    }
    if (marker === 0xda) return undefined; // start of scan before any SOF
    i += 2 + length;
  }
  return undefined;
}
