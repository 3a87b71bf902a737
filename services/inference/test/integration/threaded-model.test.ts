import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { dataPath, modelPath } from '@sightline/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { Detector } from '../../src/adapters/detector.js';
import { ModelLoadError, OnnxModel, type RunResult } from '../../src/adapters/onnx-model.js';
import { ThreadedModel } from '../../src/adapters/threaded-model.js';
import { builtinModels } from '../../src/domain/model-registry.js';

const yolox = builtinModels.yolox_nano!;
const modelsDir = join(modelPath('yolox_nano.onnx'), '..');
const options = { intraOpThreads: 1, interOpThreads: 1, executionProvider: 'cpu' as const };
const dir = mkdtempSync(join(tmpdir(), 'sightline-threaded-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a session on its own worker thread', () => {
  it('gives exactly the outputs of the same session on this thread', async () => {
    const here = await Detector.load(yolox, modelsDir, options);
    const frame = await here.prepare(readFileSync(dataPath('images', 'darknet_dog.jpg')));
    const input = Float32Array.from(frame.tensor);
    const threaded = await ThreadedModel.load(yolox, modelsDir, options);
    try {
      const { outputs: a } = await here.model.run(input);
      const sent = Float32Array.from(input);
      const { outputs: b, input: back } = await threaded.run(sent);
      // The input went by transfer and came back whole, for the tensor pool to reuse.
      expect(sent.length).toBe(0);
      expect(Buffer.from(back.buffer).equals(Buffer.from(input.buffer))).toBe(true);
      expect(Object.keys(b)).toEqual(Object.keys(a));
      for (const name of Object.keys(a)) {
        expect(b[name]!.dims).toEqual(a[name]!.dims);
        expect(Buffer.from(b[name]!.data.buffer).equals(Buffer.from(a[name]!.data.buffer))).toBe(true);
      }
      expect(threaded.file).toBe(join(modelsDir, 'yolox_nano.onnx'));
    } finally {
      await Promise.all([here.release(), threaded.release()]);
    }
  });

  it('fills the output memory given back by release, and a fresh one when it is kept', async () => {
    const here = await Detector.load(yolox, modelsDir, options);
    const threaded = await ThreadedModel.load(yolox, modelsDir, options);
    const tensorOf = async (image: string) =>
      Float32Array.from((await here.prepare(readFileSync(dataPath('images', image)))).tensor);
    const sameAsHere = async (input: Float32Array, got: RunResult['outputs']) => {
      const { outputs: want } = await here.model.run(Float32Array.from(input));
      for (const name of Object.keys(want)) {
        expect(Buffer.from(got[name]!.data.buffer).equals(Buffer.from(want[name]!.data.buffer))).toBe(true);
      }
    };
    try {
      const [dog, bus] = [await tensorOf('darknet_dog.jpg'), await tensorOf('yolov5_bus.jpg')];
      const first = await threaded.run(Float32Array.from(dog));
      const [name] = Object.keys(first.outputs);
      const view = (r: RunResult) => Buffer.from(r.outputs[name!]!.data.buffer);
      expect(first.outputs[name!]!.data.buffer).toBeInstanceOf(SharedArrayBuffer);
      first.release?.();
      first.release?.(); // a second call must not hand the same memory to two runs
      // A shared buffer arrives as a new object over the same memory, so reuse shows as the
      // released result's memory now holding the next run's outputs.
      const second = await threaded.run(Float32Array.from(bus));
      expect(view(first).equals(view(second))).toBe(true);
      await sameAsHere(bus, second.outputs);
      // Kept (not released): the next run fills memory of its own and this result stays whole.
      const third = await threaded.run(Float32Array.from(dog));
      expect(view(second).equals(view(third))).toBe(false);
      await sameAsHere(dog, third.outputs);
      await sameAsHere(bus, second.outputs);
    } finally {
      await Promise.all([here.release(), threaded.release()]);
    }
  });

  it('takes a second input while a pass runs and answers both, in order', async () => {
    const here = await Detector.load(yolox, modelsDir, options);
    const threaded = await ThreadedModel.load(yolox, modelsDir, options);
    try {
      const images = ['darknet_dog.jpg', 'yolov5_bus.jpg'];
      const inputs = await Promise.all(
        images.map(async (f) => (await here.prepare(readFileSync(dataPath('images', f)))).tensor),
      );
      const [first, second] = await Promise.all(inputs.map((t) => threaded.run(Float32Array.from(t))));
      for (const [k, got] of [first!, second!].entries()) {
        const { outputs: want } = await here.model.run(Float32Array.from(inputs[k]!));
        for (const name of Object.keys(want)) {
          expect(
            Buffer.from(got.outputs[name]!.data.buffer).equals(Buffer.from(want[name]!.data.buffer)),
          ).toBe(true);
        }
        expect(got.passMs).toBeGreaterThan(0);
      }
      // The session's first pass has no idle time before it; the second one's is measured.
      expect(first!.idleMs).toBeUndefined();
      expect(second!.idleMs).toBeGreaterThanOrEqual(0);
    } finally {
      await Promise.all([here.release(), threaded.release()]);
    }
  });

  it('two sessions on two threads answer concurrent frames each with its own detections', async () => {
    const here = await Detector.load(yolox, modelsDir, { ...options, sessions: 2 });
    try {
      expect(here.model).toBeInstanceOf(ThreadedModel);
      const images = ['darknet_dog.jpg', 'yolov5_zidane.jpg', 'yolov5_bus.jpg'];
      const results = await Promise.all(
        images.map((f) => here.detectImage(readFileSync(dataPath('images', f)))),
      );
      const labels = results.map((r) => new Set(r.detections.map((d) => d.classId)));
      expect(labels[0]!.has(16)).toBe(true); // dog
      expect(labels[1]!.has(0)).toBe(true); // person
      expect(labels[2]!.has(5)).toBe(true); // bus
    } finally {
      await here.release();
    }
  });

  it('stops the start with the file and the problem when the model does not fit', async () => {
    copyFileSync(modelPath('ultraface_rfb_320.onnx'), join(dir, 'face.onnx'));
    const load = ThreadedModel.load({ ...yolox, file: 'face.onnx' }, dir, options);
    await expect(load).rejects.toBeInstanceOf(ModelLoadError);
    await expect(load).rejects.toThrow(/face\.onnx: does not fit model "yolox_nano"/);
    await expect(OnnxModel.load({ ...yolox, file: 'missing.onnx' }, dir, options)).rejects.toThrow(
      /missing\.onnx: not found/,
    );
    await expect(ThreadedModel.load({ ...yolox, file: 'missing.onnx' }, dir, options)).rejects.toThrow(
      /missing\.onnx: not found/,
    );
  });
  it('says so when CUDA is asked for and its provider is not installed, on either thread', async () => {
    // The npm package ships only the CPU provider; where the CUDA one was installed, it must load.
    const ortDir = dirname(createRequire(import.meta.url).resolve('onnxruntime-node/package.json'));
    const cudaInstalled = readdirSync(join(ortDir, 'bin'), { recursive: true }).some((f) =>
      String(f).includes('libonnxruntime_providers_cuda'),
    );
    const cuda = { ...options, executionProvider: 'cuda' as const };
    for (const load of [OnnxModel.load, ThreadedModel.load]) {
      const loading = load(yolox, modelsDir, cuda);
      if (cudaInstalled) {
        await (await loading).release();
        continue;
      }
      await expect(loading).rejects.toBeInstanceOf(ModelLoadError);
      await expect(loading).rejects.toThrow(
        /yolox_nano\.onnx: EXECUTION_PROVIDER=cuda, but onnxruntime's CUDA provider did not load .*EXECUTION_PROVIDER=cpu/,
      );
    }
  });
});
