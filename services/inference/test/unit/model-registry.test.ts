import { describe, expect, it } from 'vitest';
import { parseClassThresholds, parseExtraModels, resolveModel } from '../../src/domain/model-registry.js';

describe('model registry', () => {
  it('resolves the default YOLOX-Nano entry with the config thresholds', () => {
    const spec = resolveModel('yolox_nano', [], { scoreThreshold: 0.4, classThresholds: { person: 0.5 } });
    expect(spec).toMatchObject({
      file: 'yolox_nano.onnx',
      format: 'yolox',
      inputWidth: 416,
      scoreThreshold: 0.4,
    });
    expect(spec.labels).toHaveLength(80);
    expect(spec.classThresholds).toEqual({ person: 0.5 });
  });

  it('adds YOLOv8-format models from EXTRA_MODELS with COCO labels by default', () => {
    const extra = parseExtraModels(
      JSON.stringify([
        { id: 'yolo11n', file: 'yolo11n.onnx', format: 'yolov8', inputWidth: 640, inputHeight: 640 },
      ]),
    );
    expect(resolveModel('yolo11n', extra)).toMatchObject({
      format: 'yolov8',
      nmsIou: 0.45,
      scoreThreshold: 0.3,
    });
  });

  it('fails clearly on an unknown id, a bad entry or a threshold for a label the model lacks', () => {
    expect(() => resolveModel('nope', [])).toThrow(/MODEL_ID "nope" is not in the model registry/);
    expect(() => parseExtraModels('[{"id":"x"}]')).toThrow(/EXTRA_MODELS is invalid/);
    expect(() => parseExtraModels('{')).toThrow(/not valid JSON/);
    expect(() => resolveModel('yolox_nano', [], { classThresholds: { unicorn: 0.5 } })).toThrow(/unicorn/);
  });

  it('parses per-class thresholds', () => {
    expect(parseClassThresholds('person=0.4, car=0.5')).toEqual({ person: 0.4, car: 0.5 });
    expect(parseClassThresholds('')).toEqual({});
    expect(() => parseClassThresholds('person=2')).toThrow(/person=2/);
  });
});
