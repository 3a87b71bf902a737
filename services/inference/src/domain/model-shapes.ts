import { yoloxAnchorCount } from './decoders/yolox.js';
import type { ModelSpec } from './model-registry.js';

/** A model input/output as the session reports it; symbolic or unknown dims are strings or -1. */
export interface TensorShape {
  name: string;
  shape: readonly (number | string)[];
}

/** A dim matches when it is the expected number, or symbolic/dynamic (the runtime decides). */
function dimMatches(actual: number | string | undefined, expected: number): boolean {
  return typeof actual === 'string' || actual === -1 || actual === expected;
}

function shapeMatches(actual: readonly (number | string)[], expected: readonly number[]): boolean {
  return actual.length === expected.length && expected.every((d, i) => dimMatches(actual[i], d));
}

const show = (s: TensorShape) => `${s.name} [${s.shape.join(',')}]`;

/** What this spec's outputs must look like; each alternative is a list of shapes by position or name. */
function expectedOutputs(spec: ModelSpec): { name?: string; shape: number[] }[][] {
  const classes = spec.labels.length;
  if (spec.format === 'yolox') {
    return [[{ shape: [1, yoloxAnchorCount(spec.inputWidth, spec.inputHeight), 5 + classes] }]];
  }
  if (spec.format === 'yolov8') {
    // Anchors: one per cell of strides 8, 16, 32 (same count as YOLOX's grid).
    const anchors = yoloxAnchorCount(spec.inputWidth, spec.inputHeight);
    return [[{ shape: [1, 4 + classes, anchors] }], [{ shape: [1, anchors, 4 + classes] }]];
  }
  // Ultraface: anchor count depends on its prior boxes; only the last dims are fixed.
  return [
    [
      { name: 'scores', shape: [1, -1, 2] },
      { name: 'boxes', shape: [1, -1, 4] },
    ],
  ];
}

/**
 * Check a loaded model against its registry entry. Returns the problem in words, or undefined.
 * Catches a wrong file for the id (e.g. the face model configured as the detector).
 */
export function modelShapeProblem(
  spec: ModelSpec,
  inputs: readonly TensorShape[],
  outputs: readonly TensorShape[],
): string | undefined {
  const input = inputs[0];
  const wantInput = [1, 3, spec.inputHeight, spec.inputWidth];
  if (inputs.length !== 1 || !input || !shapeMatches(input.shape, wantInput)) {
    return `expected one input [${wantInput.join(',')}], found ${inputs.map(show).join(', ') || 'none'}`;
  }
  const alternatives = expectedOutputs(spec);
  const fits = alternatives.some(
    (alt) =>
      alt.length === outputs.length &&
      alt.every((want, i) => {
        const got = want.name ? outputs.find((o) => o.name === want.name) : outputs[i];
        if (!got) return false;
        return (
          got.shape.length === want.shape.length &&
          want.shape.every((d, k) => d === -1 || dimMatches(got.shape[k], d))
        );
      }),
  );
  if (!fits) {
    const wanted = alternatives
      .map((alt) =>
        alt
          .map((w) => `${w.name ?? 'output'} [${w.shape.map((d) => (d === -1 ? 'N' : d)).join(',')}]`)
          .join(' + '),
      )
      .join(' or ');
    return `expected ${spec.format} outputs ${wanted}, found ${outputs.map(show).join(', ') || 'none'}`;
  }
  return undefined;
}
