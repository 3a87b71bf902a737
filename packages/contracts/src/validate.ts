import type { Static, TSchema } from '@sinclair/typebox';
import { FormatRegistry } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';

// TypeBox ships no string formats; register the ones the contracts use.
if (!FormatRegistry.Has('date-time')) {
  FormatRegistry.Set('date-time', (v) => !Number.isNaN(Date.parse(v)) && /^\d{4}-\d{2}-\d{2}T/.test(v));
}

export interface Validator<T extends TSchema> {
  check(value: unknown): value is Static<T>;
  /** Returns the value typed, or throws with the first error's path and message. */
  parse(value: unknown): Static<T>;
  errors(value: unknown): string[];
}

/** Compile a schema once; use the result on hot paths. */
export function compile<T extends TSchema>(schema: T): Validator<T> {
  const checker = TypeCompiler.Compile(schema);
  const errors = (value: unknown) =>
    [...checker.Errors(value)].slice(0, 5).map((e) => `${e.path || '/'}: ${e.message}`);
  return {
    check: (value): value is Static<T> => checker.Check(value),
    parse(value) {
      if (checker.Check(value)) return value;
      throw new Error(`invalid message: ${errors(value).join('; ')}`);
    },
    errors,
  };
}
