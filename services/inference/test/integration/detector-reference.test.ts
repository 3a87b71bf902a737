/**
 * The service's detector against an independent, straightforward implementation of the YOLOX
 * contract in ../shared/models/README.md, on every real image of the data dir.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dataPath, modelPath } from '@sightline/testing';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Detector } from '../../src/adapters/detector.js';
import { builtinModels } from '../../src/domain/model-registry.js';
import { expectSameDetections, type Ref, referenceNmsAndClip } from '../support/reference-nms.js';

const SIZE = 416;
const THRESHOLD = 0.3;
const NMS_IOU = 0.45;

/** Reference preprocessing: sharp resize to raw RGB, then a plain loop for the letterbox and BGR CHW. */
async function referenceTensor(
  jpeg: Buffer,
): Promise<{ tensor: Float32Array; r: number; w: number; h: number }> {
  const meta = await sharp(jpeg).metadata();
  const w = meta.width!;
  const h = meta.height!;
  const r = Math.min(SIZE / w, SIZE / h);
  const nw = Math.round(w * r);
  const nh = Math.round(h * r);
  const rgb = await sharp(jpeg)
    .removeAlpha()
    .toColourspace('srgb')
    .resize(nw, nh, { fit: 'fill', kernel: 'linear' })
    .raw()
    .toBuffer();
  const tensor = new Float32Array(3 * SIZE * SIZE).fill(114);
  for (let y = 0; y < nh; y++) {
    for (let x = 0; x < nw; x++) {
      for (let c = 0; c < 3; c++) {
        // channel c of the tensor is B, G, R: source channel 2 - c
        tensor[c * SIZE * SIZE + y * SIZE + x] = rgb[(y * nw + x) * 3 + (2 - c)]!;
      }
    }
  }
  return { tensor, r, w, h };
}

/** Reference decode: build the anchor list, score every class, threshold, NMS per class, clip. */
function referenceDecode(out: Float32Array, r: number, w: number, h: number): Ref[] {
  const anchors: { gx: number; gy: number; s: number }[] = [];
  for (const s of [8, 16, 32]) {
    for (let gy = 0; gy < SIZE / s; gy++) for (let gx = 0; gx < SIZE / s; gx++) anchors.push({ gx, gy, s });
  }
  const candidates: Ref[] = [];
  anchors.forEach(({ gx, gy, s }, i) => {
    const row = out.subarray(i * 85, i * 85 + 85);
    const scores = Array.from(row.subarray(5), (c) => row[4]! * c);
    const best = Math.max(...scores);
    if (best < THRESHOLD) return;
    const cx = (row[0]! + gx) * s;
    const cy = (row[1]! + gy) * s;
    const bw = Math.exp(row[2]!) * s;
    const bh = Math.exp(row[3]!) * s;
    const box = [cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2].map((v) => v / r);
    candidates.push({ classId: scores.indexOf(best), score: best, box });
  });
  return referenceNmsAndClip(candidates, NMS_IOU, w, h);
}

const images = readdirSync(dataPath('images')).filter((f) => /\.jpe?g$/i.test(f));
let session: ort.InferenceSession;
let detector: Detector;

beforeAll(async () => {
  session = await ort.InferenceSession.create(modelPath('yolox_nano.onnx'), { intraOpNumThreads: 1 });
  detector = await Detector.load(
    builtinModels.yolox_nano!,
    modelPath('yolox_nano.onnx').replace(/[^/]+$/, ''),
    {
      intraOpThreads: 1,
      interOpThreads: 1,
      executionProvider: 'cpu',
    },
  );
});
afterAll(async () => {
  await session.release();
  await detector.release();
});

describe('YOLOX-Nano detections equal the reference implementation', () => {
  it('covers every image of the data dir', () => {
    expect(images.length).toBeGreaterThanOrEqual(6);
  });

  it.each(images)('%s', async (file) => {
    const jpeg = readFileSync(dataPath('images', file));
    const { tensor, r, w, h } = await referenceTensor(jpeg);
    const out = await session.run({ images: new ort.Tensor('float32', tensor, [1, 3, SIZE, SIZE]) });
    const expected = referenceDecode(out.output!.data as Float32Array, r, w, h);
    const actual = (await detector.detectImage(jpeg)).detections;
    expectSameDetections(actual, expected);
  });
});

describe('darknet_dog.jpg', () => {
  it('finds the dog, the car and the bicycle of the models README', async () => {
    const { detections } = await detector.detectImage(readFileSync(dataPath('images', 'darknet_dog.jpg')));
    const known = [
      { label: 'dog', score: 0.83, box: [133, 207, 325, 542] },
      { label: 'car', score: 0.81, box: [467, 78, 692, 172] },
      { label: 'bicycle', score: 0.81, box: [46, 132, 572, 431] },
    ];
    for (const want of known) {
      const found = detections.find((d) => detector.spec.labels[d.classId] === want.label);
      expect(found, want.label).toBeDefined();
      expect(Math.abs(found!.score - want.score)).toBeLessThan(0.01);
      found!.box.forEach((v, k) => {
        expect(Math.abs(v - want.box[k]!)).toBeLessThanOrEqual(3);
      });
    }
  });
});
