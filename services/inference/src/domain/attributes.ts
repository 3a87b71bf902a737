import { type ColourName, colourName } from './colour-names.js';
import { vehicleLabels } from './labels.js';
import type { InputGeometry, Xyxy } from './types.js';

/** RGB bytes of the frame resized for the model (without the input's padding), and how it maps to the source. */
export interface PixelSource {
  pixels: Uint8Array;
  width: number;
  height: number;
  geometry: InputGeometry;
}

export type Attributes = Record<string, string | number>;

/** Box area as a share of the frame: under 1 % small, under 10 % medium, else large. */
export function sizeClass(box: Xyxy, frameWidth: number, frameHeight: number): 'small' | 'medium' | 'large' {
  const share = ((box[2] - box[0]) * (box[3] - box[1])) / (frameWidth * frameHeight);
  return share < 0.01 ? 'small' : share < 0.1 ? 'medium' : 'large';
}

/**
 * The most frequent colour name in a region of the box, given as fractions of its width and
 * height, read from the resized frame's pixels (sampled at most ~1,500 times).
 */
export function dominantColour(
  src: PixelSource,
  box: Xyxy,
  region: { x0: number; x1: number; y0: number; y1: number },
): ColourName | undefined {
  const g = src.geometry;
  const bw = box[2] - box[0];
  const bh = box[3] - box[1];
  const toX = (fx: number) => Math.round((box[0] + fx * bw) * g.scaleX);
  const toY = (fy: number) => Math.round((box[1] + fy * bh) * g.scaleY);
  const x0 = Math.max(0, toX(region.x0));
  const x1 = Math.min(src.width, toX(region.x1));
  const y0 = Math.max(0, toY(region.y0));
  const y1 = Math.min(src.height, toY(region.y1));
  if (x1 <= x0 || y1 <= y0) return undefined;
  const step = Math.max(1, Math.round(Math.sqrt(((x1 - x0) * (y1 - y0)) / 1500)));
  const counts = new Map<ColourName, number>();
  for (let y = y0; y < y1; y += step) {
    for (let x = x0; x < x1; x += step) {
      const p = (y * src.width + x) * 3;
      const name = colourName(src.pixels[p]!, src.pixels[p + 1]!, src.pixels[p + 2]!);
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
  }
  let best: ColourName | undefined;
  let bestCount = 0;
  for (const [name, count] of counts) {
    if (count > bestCount) {
      best = name;
      bestCount = count;
    }
  }
  return best;
}

// Torso and legs of a standing person; the central columns avoid the background at the sides.
const UPPER_BODY = { x0: 0.3, x1: 0.7, y0: 0.2, y1: 0.5 };
const LOWER_BODY = { x0: 0.3, x1: 0.7, y0: 0.55, y1: 0.9 };
// The middle of a vehicle is mostly body panels (windows sit higher, wheels and road lower).
const VEHICLE_BODY = { x0: 0.2, x1: 0.8, y0: 0.4, y1: 0.75 };

/** Level-02 attributes for persons and vehicles; undefined for other classes. */
export function attributesFor(label: string, box: Xyxy, src: PixelSource): Attributes | undefined {
  const size = sizeClass(box, src.geometry.srcWidth, src.geometry.srcHeight);
  if (label === 'person') {
    const out: Attributes = { sizeClass: size };
    const upper = dominantColour(src, box, UPPER_BODY);
    const lower = dominantColour(src, box, LOWER_BODY);
    if (upper) out.upperColor = upper;
    if (lower) out.lowerColor = lower;
    return out;
  }
  if (vehicleLabels.has(label)) {
    const out: Attributes = { sizeClass: size };
    const body = dominantColour(src, box, VEHICLE_BODY);
    if (body) out.color = body;
    return out;
  }
  return undefined;
}
