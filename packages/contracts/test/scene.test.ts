import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile, Scene, sceneKey } from '../src/index.js';

describe('Scene schema', () => {
  const fixture = JSON.parse(readFileSync(new URL('../fixtures/scene.json', import.meta.url), 'utf8')) as {
    valid: unknown[];
    invalid: unknown[];
  };
  const validator = compile(Scene);

  it.each(fixture.valid.map((v, i) => [i, v]))('accepts valid scene %i', (_i, value) => {
    expect(validator.errors(value)).toEqual([]);
  });

  it.each(fixture.invalid.map((v, i) => [i, v]))('rejects broken scene %i', (_i, value) => {
    expect(validator.check(value)).toBe(false);
  });

  it('keys a scene by tenant and device', () => {
    expect(sceneKey('t1', 'd1')).toBe('t1.d1');
  });
});
