import type { ToolCallRecord } from './tools/tool.js';

const NUMBER = /\d+(?:\.\d+)?/g;

/** Every number written in a text, normalised ("06" and "6" are the same number). */
export function numbersIn(text: string): Set<string> {
  return new Set([...text.matchAll(NUMBER)].map((m) => String(Number(m[0]))));
}

/** The numbers in a tool result's values (not its keys: "waitP90Minutes" states no 90). */
function numbersOfValues(value: unknown, into: Set<string>): void {
  if (typeof value === 'number') into.add(String(value));
  if (typeof value === 'string') for (const n of numbersIn(value)) into.add(n);
  if (Array.isArray(value)) for (const v of value) numbersOfValues(v, into);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) numbersOfValues(v, into);
}

/**
 * The numbers of an answer that no tool result of the turn contains: an invented number.
 * Times and dates count too, which is why tools return the time strings answers use.
 */
export function ungroundedNumbers(answer: string, calls: readonly ToolCallRecord[]): string[] {
  const known = new Set<string>();
  for (const call of calls) numbersOfValues(call.result, known);
  return [...numbersIn(answer)].filter((n) => !known.has(n));
}
