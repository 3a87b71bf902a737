import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { modelPath } from '@sightline/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { ModelLoadError, OnnxModel } from '../../src/adapters/onnx-model.js';
import { builtinModels } from '../../src/domain/model-registry.js';

const dir = mkdtempSync(join(tmpdir(), 'sightline-models-'));
const options = { intraOpThreads: 1, interOpThreads: 1, executionProvider: 'cpu' as const };
const yolox = builtinModels.yolox_nano!;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loading a model fails at start, naming the file and the problem', () => {
  it('missing file', async () => {
    await expect(OnnxModel.load(yolox, dir, options)).rejects.toThrow(
      new ModelLoadError(join(dir, 'yolox_nano.onnx'), 'not found (set SIGHTLINE_MODELS_DIR)'),
    );
  });

  it('corrupt file', async () => {
    writeFileSync(join(dir, 'broken.onnx'), Buffer.from('this is not a protobuf model at all'));
    await expect(OnnxModel.load({ ...yolox, file: 'broken.onnx' }, dir, options)).rejects.toThrow(
      /model file .*broken\.onnx: cannot be loaded as ONNX/,
    );
  });

  it('wrongly shaped file: the face model configured as the YOLOX detector', async () => {
    copyFileSync(modelPath('ultraface_rfb_320.onnx'), join(dir, 'face.onnx'));
    await expect(OnnxModel.load({ ...yolox, file: 'face.onnx' }, dir, options)).rejects.toThrow(
      /face\.onnx: does not fit model "yolox_nano" \(yolox\): expected one input \[1,3,416,416\], found input \[1,3,240,320\]/,
    );
  });

  it('wrong label count for the output', async () => {
    const spec = { ...yolox, labels: ['person'] };
    await expect(OnnxModel.load(spec, join(modelPath('yolox_nano.onnx'), '..'), options)).rejects.toThrow(
      /expected yolox outputs output \[1,3549,6\], found output \[1,3549,85\]/,
    );
  });

  it('loads the real models', async () => {
    for (const spec of [yolox, builtinModels.ultraface_rfb_320!]) {
      const model = await OnnxModel.load(spec, join(modelPath(spec.file), '..'), options);
      expect(model.loadMs).toBeGreaterThan(0);
      await model.release();
    }
  });
});
