/**
 * The yolov8 path (centred letterbox, RGB 0–1, decodeYolov8) on a real network: YOLOX-Nano's weights
 * wrapped at test time into the Ultralytics export contract (test/support/yolov8-from-yolox.ts),
 * against an independent, straightforward implementation of that contract, on every real image of
 * the data dir. detector-reference.test.ts is the same check for the yolox path.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { dataPath, modelPath } from '@sightline/testing';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Detector } from '../../src/adapters/detector.js';
import { cocoLabels } from '../../src/domain/labels.js';
import { builtinModels, type ModelSpec } from '../../src/domain/model-registry.js';
import type { RawDetection } from '../../src/domain/types.js';
import { expectSameDetections, type Ref, referenceNmsAndClip } from '../support/reference-nms.js';
import { writeYolov8FromYolox } from '../support/yolov8-from-yolox.js';

const SIZE = 416;
const THRESHOLD = 0.3;
const NMS_IOU = 0.45;
const sessionOptions = { intraOpThreads: 1, interOpThreads: 1, executionProvider: 'cpu' } as const;

/** Where the reference put the source picture in the model input. */
interface Letterbox {
  r: number;
  left: number;
  top: number;
  w: number;
  h: number;
}

/**
 * Reference preprocessing after Ultralytics' LetterBox: resize by r, centre with its own rounding
 * (`round(d/2 - 0.1)` before, the rest after), pad 114; then RGB / 255 in CHW with a plain loop.
 */
async function referenceTensor(jpeg: Buffer): Promise<{ tensor: Float32Array; box: Letterbox }> {
  const meta = await sharp(jpeg).metadata();
  const w = meta.width!;
  const h = meta.height!;
  const r = Math.min(SIZE / w, SIZE / h);
  const nw = Math.round(w * r);
  const nh = Math.round(h * r);
  const left = Math.round((SIZE - nw) / 2 - 0.1);
  const top = Math.round((SIZE - nh) / 2 - 0.1);
  const rgb = await sharp(jpeg)
    .removeAlpha()
    .toColourspace('srgb')
    .resize(nw, nh, { fit: 'fill', kernel: 'linear' })
    .raw()
    .toBuffer();
  const tensor = new Float32Array(3 * SIZE * SIZE).fill(114 / 255);
  for (let y = 0; y < nh; y++) {
    for (let x = 0; x < nw; x++) {
      for (let c = 0; c < 3; c++) {
        tensor[c * SIZE * SIZE + (y + top) * SIZE + (x + left)] = rgb[(y * nw + x) * 3 + c]! / 255;
      }
    }
  }
  return { tensor, box: { r, left, top, w, h } };
}

/** Reference decode of [1, 4 + classes, N]: per anchor the best class, threshold, back to source pixels. */
function referenceDecode(out: ort.Tensor, letterbox: Letterbox): Ref[] {
  const [, channels, anchors] = out.dims as number[];
  const data = out.data as Float32Array;
  const channel = (c: number, a: number) => data[c * anchors! + a]!;
  const candidates: Ref[] = [];
  for (let a = 0; a < anchors!; a++) {
    const scores = Array.from({ length: channels! - 4 }, (_, k) => channel(4 + k, a));
    const best = Math.max(...scores);
    if (best < THRESHOLD) continue;
    const [cx, cy, bw, bh] = [0, 1, 2, 3].map((c) => channel(c, a)) as [number, number, number, number];
    const { r, left, top } = letterbox;
    const box = [
      (cx - bw / 2 - left) / r,
      (cy - bh / 2 - top) / r,
      (cx + bw / 2 - left) / r,
      (cy + bh / 2 - top) / r,
    ];
    candidates.push({ classId: scores.indexOf(best), score: best, box });
  }
  return referenceNmsAndClip(candidates, NMS_IOU, letterbox.w, letterbox.h);
}

/** YOLOX-Nano's own input for the same pixels: channels reversed (RGB → BGR), 0–1 → 0–255. */
function toBgr255(rgbUnit: Float32Array): Float32Array {
  const plane = SIZE * SIZE;
  const bgr = new Float32Array(3 * plane);
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < plane; i++) bgr[c * plane + i] = rgbUnit[(2 - c) * plane + i]! * 255;
  }
  return bgr;
}

/** The README's YOLOX decode of anchor i, as the 84 YOLOv8 channels: pixels xywh, then obj × cls. */
function yoloxRowAsYolov8(rows: Float32Array, i: number, cell: { gx: number; gy: number; s: number }) {
  const row = rows.subarray(i * 85, i * 85 + 85);
  const { gx, gy, s } = cell;
  const box = [(row[0]! + gx) * s, (row[1]! + gy) * s, Math.exp(row[2]!) * s, Math.exp(row[3]!) * s];
  return [...box, ...Array.from(row.subarray(5), (c) => row[4]! * c)];
}

const yoloxCells = [8, 16, 32].flatMap((s) =>
  Array.from({ length: (SIZE / s) ** 2 }, (_, k) => ({
    gx: k % (SIZE / s),
    gy: Math.floor(k / (SIZE / s)),
    s,
  })),
);

const yolov8Spec = (file: string): ModelSpec => ({
  id: 'yolov8_from_yolox_nano',
  file,
  format: 'yolov8',
  inputWidth: SIZE,
  inputHeight: SIZE,
  labels: cocoLabels,
  scoreThreshold: THRESHOLD,
  classThresholds: {},
  nmsIou: NMS_IOU,
});

const images = readdirSync(dataPath('images')).filter((f) => /\.jpe?g$/i.test(f));
let wrapped: { file: string; remove: () => void };
let session: ort.InferenceSession;
let yoloxSession: ort.InferenceSession;
let yolov8: Detector;
let yolox: Detector;

beforeAll(async () => {
  wrapped = writeYolov8FromYolox(modelPath('yolox_nano.onnx'));
  const ortOptions = { intraOpNumThreads: 1, interOpNumThreads: 1 };
  session = await ort.InferenceSession.create(wrapped.file, ortOptions);
  yoloxSession = await ort.InferenceSession.create(modelPath('yolox_nano.onnx'), ortOptions);
  yolov8 = await Detector.load(yolov8Spec(wrapped.file), dirname(wrapped.file), sessionOptions);
  yolox = await Detector.load(
    builtinModels.yolox_nano!,
    dirname(modelPath('yolox_nano.onnx')),
    sessionOptions,
  );
});
afterAll(async () => {
  await session?.release();
  await yoloxSession?.release();
  await yolov8?.release();
  await yolox?.release();
  wrapped?.remove();
});

describe('the YOLOv8-format wrapper of YOLOX-Nano', () => {
  it('has the Ultralytics export shapes: images [1,3,416,416] in, output0 [1,84,3549] out', () => {
    expect(session.inputMetadata).toEqual([
      expect.objectContaining({ name: 'images', type: 'float32', shape: [1, 3, SIZE, SIZE] }),
    ]);
    expect(session.outputMetadata).toEqual([
      expect.objectContaining({ name: 'output0', type: 'float32', shape: [1, 84, 3549] }),
    ]);
  });

  it("outputs the README's decode of YOLOX-Nano's rows on the same pixels", async () => {
    const { tensor } = await referenceTensor(readFileSync(dataPath('images', 'darknet_dog.jpg')));
    const shape = [1, 3, SIZE, SIZE];
    const v8 = await session.run({ images: new ort.Tensor('float32', tensor, shape) });
    const raw = await yoloxSession.run({ images: new ort.Tensor('float32', toBgr255(tensor), shape) });
    const channelsFirst = v8.output0!.data as Float32Array;
    const rows = raw.output!.data as Float32Array;
    const anchors = yoloxCells.length;
    let worst = 0;
    yoloxCells.forEach((cell, i) => {
      yoloxRowAsYolov8(rows, i, cell).forEach((want, c) => {
        const got = channelsFirst[c * anchors + i]!;
        worst = Math.max(worst, Math.abs(got - want) / Math.max(1, Math.abs(want)));
      });
    });
    expect(anchors).toBe(3549);
    expect(worst).toBeLessThan(1e-5);
  });
});

describe('YOLOv8-format detections equal the reference implementation', () => {
  it('covers every image of the data dir', () => {
    expect(images.length).toBeGreaterThanOrEqual(6);
  });

  it.each(images)('%s', async (file) => {
    const jpeg = readFileSync(dataPath('images', file));
    const { tensor, box } = await referenceTensor(jpeg);
    const out = await session.run({ images: new ort.Tensor('float32', tensor, [1, 3, SIZE, SIZE]) });
    const expected = referenceDecode(out.output0!, box);
    const actual = (await yolov8.detectImage(jpeg)).detections;
    expectSameDetections(actual, expected);
  });
});

/**
 * Same weights, but not the same pixels: centred, the 768×576 picture sits 52 input px lower, 6.5 cells
 * of stride 8, so the network sees it off its grid. Measured here: car and bicycle within 15 px, the dog's
 * right edge 20 px further out (345 vs 325); car falls from 0.81 to 0.51 (truck 0.62 beside it). Fed a
 * top-left letterbox instead, the wrapped model gives YOLOX's detections to the pixel, so this is the
 * placement, not the wrapper or the decoder.
 */
const SHIFT_TOLERANCE_PX = 25;

describe('darknet_dog.jpg through the YOLOv8 path', () => {
  const best = (detections: RawDetection[], label: string) =>
    detections.find((d) => cocoLabels[d.classId] === label);

  it('finds the dog, the bicycle and the car where the YOLOX path finds them', async () => {
    const jpeg = readFileSync(dataPath('images', 'darknet_dog.jpg'));
    const viaYolov8 = (await yolov8.detectImage(jpeg)).detections;
    const viaYolox = (await yolox.detectImage(jpeg)).detections;
    for (const label of ['dog', 'bicycle', 'car']) {
      const found = best(viaYolov8, label);
      const known = best(viaYolox, label);
      expect(found, label).toBeDefined();
      expect(known, label).toBeDefined();
      found!.box.forEach((v, k) => {
        expect(Math.abs(v - known!.box[k]!), `${label} box[${k}]`).toBeLessThanOrEqual(SHIFT_TOLERANCE_PX);
      });
    }
  });
});
