import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { dataPath, modelPath } from '@sightline/testing';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Detector } from '../../src/adapters/detector.js';
import { blurRegions } from '../../src/adapters/privacy-blur.js';
import { builtinModels } from '../../src/domain/model-registry.js';
import type { RawDetection, Xyxy } from '../../src/domain/types.js';

const options = { intraOpThreads: 1, interOpThreads: 1, executionProvider: 'cpu' as const };
const zidane = readFileSync(dataPath('images', 'yolov5_zidane.jpg'));
let faces: Detector;
let people: RawDetection[];

beforeAll(async () => {
  const dir = dirname(modelPath('ultraface_rfb_320.onnx'));
  faces = await Detector.load(builtinModels.ultraface_rfb_320!, dir, options);
  const yolox = await Detector.load(builtinModels.yolox_nano!, dir, options);
  people = (await yolox.detectImage(zidane)).detections.filter((d) => d.classId === 0);
  await yolox.release();
});
afterAll(() => faces?.release());

/** Mean absolute difference of two same-sized RGB pictures over a region. */
function meanDiff(
  a: Buffer,
  b: Buffer,
  width: number,
  r: { x0: number; y0: number; x1: number; y1: number },
): number {
  let sum = 0;
  let n = 0;
  for (let y = Math.round(r.y0); y < Math.round(r.y1); y++) {
    for (let x = Math.round(r.x0); x < Math.round(r.x1); x++) {
      for (let c = 0; c < 3; c++) sum += Math.abs(a[(y * width + x) * 3 + c]! - b[(y * width + x) * 3 + c]!);
      n += 3;
    }
  }
  return sum / n;
}

describe('ultraface face detector on yolov5_zidane.jpg', () => {
  it('finds the two faces, each in the head of a person YOLOX found', async () => {
    const { detections } = await faces.detectImage(zidane);
    expect(people).toHaveLength(2);
    expect(detections).toHaveLength(2);
    for (const face of detections) {
      expect(face.score).toBeGreaterThan(0.7);
      const cx = (face.box[0] + face.box[2]) / 2;
      const cy = (face.box[1] + face.box[3]) / 2;
      const owner = people.find(
        (p) =>
          cx > p.box[0] && cx < p.box[2] && cy > p.box[1] && cy < p.box[1] + 0.45 * (p.box[3] - p.box[1]),
      );
      expect(owner, `face at ${face.box.map(Math.round)}`).toBeDefined();
    }
  });

  it('blurs the faces for privacy and leaves the rest of the picture alone', async () => {
    const boxes = (await faces.detectImage(zidane)).detections.map((d) => d.box);
    const blurred = await blurRegions(zidane, boxes);
    const [before, after] = await Promise.all(
      [zidane, blurred].map((j) => sharp(j).raw().toBuffer({ resolveWithObject: true })),
    );
    const width = before!.info.width;
    expect(after!.info).toMatchObject({ width, height: before!.info.height });
    for (const b of boxes) {
      const inner = { x0: b[0], y0: b[1], x1: b[2], y1: b[3] };
      expect(meanDiff(before!.data, after!.data, width, inner)).toBeGreaterThan(8);
    }
    // A region away from both faces: only JPEG re-encoding noise.
    const corner: Xyxy = [0, 600, 120, 720];
    expect(
      meanDiff(before!.data, after!.data, width, {
        x0: corner[0],
        y0: corner[1],
        x1: corner[2],
        y1: corner[3],
      }),
    ).toBeLessThan(4);
  });
});
