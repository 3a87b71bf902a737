import { describe, expect, it } from 'vitest';
import { finishDetections, toSource } from '../../src/domain/finish.js';
import { planInput } from '../../src/domain/input-layout.js';
import { fillChw } from '../../src/domain/tensor-fill.js';

describe('planInput', () => {
  it('letterboxes YOLOX-style at the top-left with r = min(416/w, 416/h)', () => {
    const layout = planInput(768, 576, 416, 416, 'top-left');
    expect(layout.resizedWidth).toBe(416);
    expect(layout.resizedHeight).toBe(312);
    expect(layout.geometry).toEqual({
      srcWidth: 768,
      srcHeight: 576,
      scaleX: 416 / 768,
      scaleY: 416 / 768,
      padX: 0,
      padY: 0,
    });
  });

  it('letterboxes a portrait frame by its height', () => {
    const layout = planInput(1080, 1920, 416, 416, 'top-left');
    expect(layout.resizedHeight).toBe(416);
    expect(layout.resizedWidth).toBe(234);
    expect(layout.geometry.scaleX).toBeCloseTo(416 / 1920, 12);
  });

  it('centres the picture for Ultralytics models', () => {
    const layout = planInput(1920, 1080, 640, 640, 'center');
    expect([layout.resizedWidth, layout.resizedHeight]).toEqual([640, 360]);
    expect([layout.geometry.padX, layout.geometry.padY]).toEqual([0, 140]);
  });

  it('stretches for a plain resize, with a scale per axis', () => {
    const layout = planInput(1280, 720, 320, 240, 'stretch');
    expect(layout.geometry).toMatchObject({ scaleX: 0.25, scaleY: 1 / 3, padX: 0, padY: 0 });
  });
});

describe('fillChw', () => {
  const rgb = Uint8Array.from([10, 20, 30, 40, 50, 60]);
  // The two pixels fill the whole input: no padding.
  const whole = { width: 2, height: 1, left: 0, top: 0, inputWidth: 2, inputHeight: 1, pad: 114 };

  it('writes BGR planes for YOLOX, raw 0–255', () => {
    const out = fillChw(rgb, whole, { order: 'bgr', mean: 0, scale: 1 }, new Float32Array(6));
    expect([...out]).toEqual([30, 60, 20, 50, 10, 40]);
  });

  it('writes RGB planes with (p - mean) * scale', () => {
    const out = fillChw(rgb, whole, { order: 'rgb', mean: 127, scale: 1 / 128 }, new Float32Array(6));
    const expected = [10, 40, 20, 50, 30, 60].map((p) => (p - 127) / 128);
    expect([...out].map((v) => Number(v.toFixed(6)))).toEqual(expected.map((v) => Number(v.toFixed(6))));
  });

  it('pads around a picture placed inside the input with the pad value, in every plane', () => {
    // The 2×1 picture at column 1, row 1 of a 4×3 input.
    const at = { width: 2, height: 1, left: 1, top: 1, inputWidth: 4, inputHeight: 3, pad: 114 };
    const out = fillChw(rgb, at, { order: 'bgr', mean: 0, scale: 1 }, new Float32Array(36).fill(-1));
    const plane = (a: number, b: number) => [114, 114, 114, 114, 114, a, b, 114, 114, 114, 114, 114];
    expect([...out]).toEqual([...plane(30, 60), ...plane(20, 50), ...plane(10, 40)]);
    const scaled = fillChw(rgb, at, { order: 'rgb', mean: 0, scale: 1 / 255 }, new Float32Array(36));
    expect(scaled[0]).toBeCloseTo(114 / 255, 6);
    expect(scaled[5]).toBeCloseTo(10 / 255, 6);
  });

  it('refuses buffers that are too small and pictures that do not fit', () => {
    const norm = { order: 'rgb' as const, mean: 0, scale: 1 };
    expect(() => fillChw(rgb, { ...whole, width: 3, inputWidth: 3 }, norm, new Float32Array(9))).toThrow(
      /pixel buffer/,
    );
    expect(() => fillChw(rgb, whole, norm, new Float32Array(4))).toThrow(/tensor buffer/);
    expect(() => fillChw(rgb, { ...whole, left: 1 }, norm, new Float32Array(6))).toThrow(/does not fit/);
  });
});

describe('back to source pixels', () => {
  const geometry = { srcWidth: 800, srcHeight: 400, scaleX: 0.5, scaleY: 0.5, padX: 0, padY: 100 };

  it('undoes scale and padding', () => {
    expect(toSource([10, 110, 50, 150], geometry)).toEqual([20, 20, 100, 100]);
  });

  it('clips to the frame after NMS and drops boxes left without area', () => {
    const out = finishDetections(
      [
        { classId: 0, score: 0.9, box: [-10, 90, 420, 160] },
        { classId: 1, score: 0.8, box: [405, 120, 420, 130] },
      ],
      geometry,
      0.45,
    );
    expect(out).toEqual([{ classId: 0, score: 0.9, box: [0, 0, 800, 120] }]);
  });
});
