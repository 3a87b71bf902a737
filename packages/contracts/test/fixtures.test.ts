import { readFileSync } from 'node:fs';
import type { TSchema } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import {
  AnalysisResult,
  AnalyticEvent,
  ChatStreamEvent,
  compile,
  DetectionBatch,
  Device,
  ErrorBody,
  FrameData,
  FramePush,
  Rollup,
} from '../src/index.js';

const cases: Array<[string, TSchema]> = [
  ['analysis-result', AnalysisResult],
  ['frame-push', FramePush],
  ['frame-data', FrameData],
  ['detection-batch', DetectionBatch],
  ['analytic-event', AnalyticEvent],
  ['chat-stream-event', ChatStreamEvent],
  ['error-body', ErrorBody],
  ['rollup', Rollup],
  ['device', Device],
];

describe.each(cases)('golden fixtures: %s', (name, schema) => {
  const fixture = JSON.parse(readFileSync(new URL(`../fixtures/${name}.json`, import.meta.url), 'utf8')) as {
    valid: unknown[];
    invalid: unknown[];
  };
  const validator = compile(schema);

  it.each(fixture.valid.map((v, i) => [i, v]))('accepts valid fixture %i', (_i, value) => {
    expect(validator.errors(value)).toEqual([]);
  });

  it.each(fixture.invalid.map((v, i) => [i, v]))('rejects broken fixture %i', (_i, value) => {
    expect(validator.check(value)).toBe(false);
    expect(() => validator.parse(value)).toThrow(/invalid message/);
  });
});
