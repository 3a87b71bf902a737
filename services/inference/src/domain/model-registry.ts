import { compile } from '@sightline/contracts';
import { type Static, Type } from '@sinclair/typebox';
import type { Decoder } from './decoders/types.js';
import { decodeUltraface } from './decoders/ultraface.js';
import { decodeYolov8 } from './decoders/yolov8.js';
import { decodeYolox } from './decoders/yolox.js';
import type { Placement } from './input-layout.js';
import { cocoLabels } from './labels.js';
import type { PixelNorm } from './tensor-fill.js';

export type ModelFormat = 'yolox' | 'yolov8' | 'ultraface';

/** One registry entry: everything needed to feed a model and read its answer. */
export interface ModelSpec {
  id: string;
  /** File name inside the models directory (or an absolute path). */
  file: string;
  format: ModelFormat;
  inputWidth: number;
  inputHeight: number;
  labels: readonly string[];
  scoreThreshold: number;
  /** Label → threshold, over `scoreThreshold`. */
  classThresholds: Readonly<Record<string, number>>;
  nmsIou: number;
}

/** How each format wants its input and which decoder reads its output. */
export const formats: Record<ModelFormat, { placement: Placement; norm: PixelNorm; decode: Decoder }> = {
  // YOLOX: BGR, raw 0–255, letterbox at the top-left padded with 114.
  yolox: { placement: 'top-left', norm: { order: 'bgr', mean: 0, scale: 1 }, decode: decodeYolox },
  // Ultralytics: RGB scaled to 0–1, letterbox centred padded with 114.
  yolov8: { placement: 'center', norm: { order: 'rgb', mean: 0, scale: 1 / 255 }, decode: decodeYolov8 },
  // Ultraface: RGB, (p - 127) / 128, plain resize.
  ultraface: {
    placement: 'stretch',
    norm: { order: 'rgb', mean: 127, scale: 1 / 128 },
    decode: decodeUltraface,
  },
};

export const builtinModels: Readonly<Record<string, ModelSpec>> = {
  yolox_nano: {
    id: 'yolox_nano',
    file: 'yolox_nano.onnx',
    format: 'yolox',
    inputWidth: 416,
    inputHeight: 416,
    labels: cocoLabels,
    scoreThreshold: 0.3,
    classThresholds: {},
    nmsIou: 0.45,
  },
  ultraface_rfb_320: {
    id: 'ultraface_rfb_320',
    file: 'ultraface_rfb_320.onnx',
    format: 'ultraface',
    inputWidth: 320,
    inputHeight: 240,
    labels: ['face'],
    scoreThreshold: 0.7,
    classThresholds: {},
    nmsIou: 0.3,
  },
};

/** An entry of EXTRA_MODELS: labels default to COCO, thresholds to the config's. */
export const ModelEntry = Type.Object(
  {
    id: Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$' }),
    file: Type.String({ minLength: 1 }),
    format: Type.Union([Type.Literal('yolox'), Type.Literal('yolov8'), Type.Literal('ultraface')]),
    inputWidth: Type.Integer({ minimum: 32, maximum: 4096 }),
    inputHeight: Type.Integer({ minimum: 32, maximum: 4096 }),
    labels: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })),
    scoreThreshold: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
    classThresholds: Type.Optional(Type.Record(Type.String(), Type.Number({ minimum: 0, maximum: 1 }))),
    nmsIou: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
  },
  { additionalProperties: false },
);
export type ModelEntry = Static<typeof ModelEntry>;
const entries = compile(Type.Array(ModelEntry));

/** Parse the EXTRA_MODELS JSON into specs; a bad entry fails start, naming the problem. */
export function parseExtraModels(json: string | undefined): ModelSpec[] {
  if (!json) return [];
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (err) {
    throw new Error(`EXTRA_MODELS is not valid JSON: ${(err as Error).message}`);
  }
  if (!entries.check(value)) throw new Error(`EXTRA_MODELS is invalid: ${entries.errors(value).join('; ')}`);
  return value.map((e) => ({
    scoreThreshold: 0.3,
    classThresholds: {},
    nmsIou: 0.45,
    ...e,
    labels: e.labels ?? cocoLabels,
  }));
}

export interface ModelOverrides {
  scoreThreshold?: number;
  classThresholds?: Record<string, number>;
  nmsIou?: number;
}

/** Find a model by id among the built-in and extra entries, with the config's thresholds applied. */
export function resolveModel(
  id: string,
  extra: readonly ModelSpec[],
  overrides: ModelOverrides = {},
): ModelSpec {
  const all = new Map<string, ModelSpec>(Object.entries(builtinModels));
  for (const spec of extra) all.set(spec.id, spec);
  const spec = all.get(id);
  if (!spec)
    throw new Error(`MODEL_ID "${id}" is not in the model registry (known: ${[...all.keys()].join(', ')})`);
  for (const label of Object.keys(overrides.classThresholds ?? {})) {
    if (!spec.labels.includes(label))
      throw new Error(`CLASS_THRESHOLDS names "${label}", not a label of ${id}`);
  }
  return {
    ...spec,
    scoreThreshold: overrides.scoreThreshold ?? spec.scoreThreshold,
    nmsIou: overrides.nmsIou ?? spec.nmsIou,
    classThresholds: { ...spec.classThresholds, ...overrides.classThresholds },
  };
}

/** "person=0.4,car=0.5" → { person: 0.4, car: 0.5 }. */
export function parseClassThresholds(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [label, value] = part.split('=').map((s) => s.trim());
    const n = Number(value);
    if (!label || !Number.isFinite(n) || n < 0 || n > 1) {
      throw new Error(`CLASS_THRESHOLDS entry "${part}" is not label=number between 0 and 1`);
    }
    out[label] = n;
  }
  return out;
}
