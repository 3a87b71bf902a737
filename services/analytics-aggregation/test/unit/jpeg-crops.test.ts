import { readFileSync } from 'node:fs';
import { dataPath } from '@sightline/testing';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  cropJpeg,
  type DecodedFrame,
  decodeFrame,
  UndecodableFrameError,
} from '../../src/adapters/jpeg-crops.js';

const dog = readFileSync(dataPath('images', 'darknet_dog.jpg'));

/** Mean absolute difference of two decoded frames over the rows [top, bottom) and columns [left, right). */
function regionDiff(a: DecodedFrame, b: DecodedFrame, [left, top, right, bottom]: number[]): number {
  let sum = 0;
  let n = 0;
  for (let y = top!; y < bottom!; y++) {
    for (let x = left! * a.channels; x < right! * a.channels; x++) {
      const i = y * a.width * a.channels + x;
      sum += Math.abs(a.pixels[i]! - b.pixels[i]!);
      n++;
    }
  }
  return sum / n;
}

describe('event image pixels (sharp, a real frame)', () => {
  it('decodes a real JPEG once to raw pixels and crops regions of it at the size asked', async () => {
    const frame = await decodeFrame(dog, []);
    expect(frame).toMatchObject({ width: 768, height: 576, channels: 3 });
    const jpeg = await cropJpeg(
      frame,
      { left: 113, top: 173, width: 232, height: 403 },
      { width: 184, height: 320 },
    );
    expect(await sharp(jpeg).metadata()).toMatchObject({ format: 'jpeg', width: 184, height: 320 });
  });

  it('refuses bytes that are not an image', async () => {
    const garbage = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(500, 7)]);
    await expect(decodeFrame(garbage, [])).rejects.toBeInstanceOf(UndecodableFrameError);
  });

  it('blurs the faces the batch reports, and nothing else, before any crop is cut', async () => {
    const plain = await decodeFrame(dog, []);
    const face = [180, 220, 260, 300] as const;
    const hidden = await decodeFrame(dog, [face]);
    expect(hidden.width).toBe(plain.width);
    expect(regionDiff(plain, hidden, [184, 224, 256, 296])).toBeGreaterThan(5);
    // Outside the face and its 10 % margin the frame is untouched.
    expect(regionDiff(plain, hidden, [0, 350, 768, 576])).toBe(0);
    expect(regionDiff(plain, hidden, [300, 0, 768, 200])).toBe(0);
  });
});
