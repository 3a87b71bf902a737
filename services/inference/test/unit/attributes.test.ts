import { describe, expect, it } from 'vitest';
import { attributesFor, sizeClass } from '../../src/domain/attributes.js';
import { colourName } from '../../src/domain/colour-names.js';

describe('colourName', () => {
  it.each([
    [[10, 10, 10], 'black'],
    [[240, 240, 240], 'white'],
    [[128, 128, 128], 'gray'],
    [[200, 30, 30], 'red'],
    [[30, 60, 200], 'blue'],
    [[40, 160, 40], 'green'],
    [[230, 210, 40], 'yellow'],
    [[240, 140, 20], 'orange'],
    [[120, 70, 30], 'brown'],
    [[140, 50, 200], 'purple'],
    [[240, 100, 190], 'pink'],
  ])('%j is %s', (rgb, name) => {
    expect(colourName(...(rgb as [number, number, number]))).toBe(name);
  });
});

describe('attributesFor', () => {
  // A 100×100 input mapped 1:1 to a 200×200 source (scale 0.5): a person whose top half is red
  // and bottom half blue, standing in the middle.
  const width = 100;
  const pixels = new Uint8Array(width * width * 3).fill(128);
  for (let y = 20; y < 80; y++) {
    for (let x = 40; x < 60; x++) pixels.set(y < 50 ? [200, 20, 20] : [20, 40, 190], (y * width + x) * 3);
  }
  const src = {
    pixels,
    width,
    height: width,
    geometry: { srcWidth: 200, srcHeight: 200, scaleX: 0.5, scaleY: 0.5, padX: 0, padY: 0 },
  };

  it('gives a person upper and lower colours from the crop halves, and a size class', () => {
    // 40 × 120 of 200 × 200 is 12 % of the frame: large.
    expect(attributesFor('person', [80, 40, 120, 160], src)).toEqual({
      sizeClass: 'large',
      upperColor: 'red',
      lowerColor: 'blue',
    });
  });

  it('gives a vehicle its body colour', () => {
    expect(attributesFor('car', [80, 100, 120, 160], src)).toMatchObject({ color: 'blue' });
  });

  it('gives other classes nothing', () => {
    expect(attributesFor('dog', [80, 40, 120, 160], src)).toBeUndefined();
  });

  it('classes sizes by their share of the frame', () => {
    expect(sizeClass([0, 0, 10, 10], 100, 100)).toBe('medium');
    expect(sizeClass([0, 0, 5, 5], 100, 100)).toBe('small');
    expect(sizeClass([0, 0, 50, 50], 100, 100)).toBe('large');
  });
});
