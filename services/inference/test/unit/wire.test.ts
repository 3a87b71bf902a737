import { readFileSync } from 'node:fs';
import type { DetectionBatch } from '@sightline/contracts';
import { dataPath } from '@sightline/testing';
import { describe, expect, it } from 'vitest';
import { encodeFrameData, toFrameData } from '../../src/domain/wire.js';

const batch = {
  deviceId: 'cam-ü',
  capturedAt: 1_700_000_000_123,
  detections: [
    { label: 'person', score: 0.91, box: [10, 20, 110.5, 220.25] },
    { label: 'car', score: 0.5, box: [0, 0, 1, 1] },
  ],
} as unknown as DetectionBatch;

describe('encodeFrameData', () => {
  it('is the JSON of toFrameData, for a real JPEG and for every image length mod 3', () => {
    const jpeg = readFileSync(dataPath('images', 'darknet_dog.jpg'));
    for (const image of [jpeg, jpeg.subarray(0, 1001), jpeg.subarray(0, 1002), new Uint8Array(0)]) {
      const bytes = encodeFrameData(batch, image);
      expect(JSON.parse(bytes.toString('utf8'))).toEqual(toFrameData(batch, image));
    }
  });

  it('reads a view into a larger buffer from its offset only', () => {
    const backing = Buffer.from('xxxxJPEGyyyy');
    const view = new Uint8Array(backing.buffer, backing.byteOffset + 4, 4);
    expect(JSON.parse(encodeFrameData(batch, view).toString()).frame).toBe(
      Buffer.from('JPEG').toString('base64'),
    );
  });
});
