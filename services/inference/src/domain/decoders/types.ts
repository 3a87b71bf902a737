import type { RawDetection, ScoreThresholds } from '../types.js';

/** A model output as decoders see it: flat floats and their shape. */
export interface OutputTensor {
  data: Float32Array;
  dims: readonly number[];
}
export type Outputs = Readonly<Record<string, OutputTensor>>;

export interface DecodeParams {
  inputWidth: number;
  inputHeight: number;
  numClasses: number;
  thresholds: ScoreThresholds;
}

/** Turns raw outputs into scored candidates in model-input pixels (before NMS). */
export type Decoder = (outputs: Outputs, params: DecodeParams) => RawDetection[];

export function onlyOutput(outputs: Outputs): OutputTensor {
  const values = Object.values(outputs);
  if (values.length !== 1) throw new Error(`expected one output, got ${values.length}`);
  return values[0]!;
}
