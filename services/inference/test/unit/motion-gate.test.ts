import { describe, expect, it } from 'vitest';
import { changedRatio, greyThumbnail, MotionGate } from '../../src/domain/motion-gate.js';

/** An RGB picture of one grey level with an optional bright square. */
function picture(
  width: number,
  height: number,
  level: number,
  square?: { x: number; y: number; size: number },
) {
  const rgb = new Uint8Array(width * height * 3).fill(level);
  if (square) {
    for (let y = square.y; y < square.y + square.size; y++) {
      for (let x = square.x; x < square.x + square.size; x++)
        rgb.fill(250, (y * width + x) * 3, (y * width + x) * 3 + 3);
    }
  }
  return rgb;
}

describe('greyThumbnail', () => {
  it('averages blocks of luma', () => {
    const rgb = new Uint8Array(16 * 8 * 3);
    for (let i = 0; i < 8 * 8; i++) rgb.set([255, 0, 0], ((i >> 3) * 16 + (i & 7)) * 3); // left block pure red
    expect([...greyThumbnail(rgb, 16, 8, 8)]).toEqual([Math.round(0.299 * 255), 0]);
  });
});

describe('MotionGate', () => {
  const options = { minChangedRatio: 0.01, pixelDelta: 25, maxSkipMs: 2000 };
  const still = greyThumbnail(picture(128, 128, 100), 128, 128);
  const moved = greyThumbnail(picture(128, 128, 100, { x: 40, y: 40, size: 24 }), 128, 128);

  it('runs the detector for a device it has never seen', () => {
    expect(new MotionGate<string[]>(options).reusable('cam', still, 0)).toBeUndefined();
  });

  it('reuses the last detections while the picture does not change', () => {
    const gate = new MotionGate<string[]>(options);
    gate.recordRun('cam', still, 1000, ['person']);
    expect(gate.reusable('cam', greyThumbnail(picture(128, 128, 104), 128, 128), 1500)).toEqual(['person']);
    expect(gate.reusable('other', still, 1500)).toBeUndefined();
  });

  it('runs again on motion, and at least every maxSkipMs on a static scene', () => {
    const gate = new MotionGate<string[]>(options);
    gate.recordRun('cam', still, 1000, []);
    expect(changedRatio(still, moved, 25)).toBeGreaterThan(0.01);
    expect(gate.reusable('cam', moved, 1100)).toBeUndefined();
    expect(gate.reusable('cam', still, 3000)).toBeUndefined();
  });

  it('forgets the least recently seen device past its size', () => {
    const gate = new MotionGate<number>({ ...options, maxDevices: 2 });
    gate.recordRun('a', still, 0, 1);
    gate.recordRun('b', still, 0, 2);
    gate.recordRun('c', still, 0, 3);
    expect(gate.reusable('a', still, 1)).toBeUndefined();
    expect(gate.reusable('c', still, 1)).toBe(3);
  });
});
