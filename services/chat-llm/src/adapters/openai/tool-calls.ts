/** A tool call as the model streamed it, reassembled from its deltas. */
export interface AssembledToolCall {
  id: string;
  name: string;
  /** JSON text of the arguments, concatenated from the fragments. */
  arguments: string;
}

interface ToolCallDelta {
  index?: number;
  id?: string;
  type?: string;
  function?: { name?: string; arguments?: string };
}

/**
 * Chat-completions streams send each tool call in pieces keyed by `index`: the first piece has
 * the id and name, the next ones append to `arguments`. Some servers repeat the name or omit
 * the index for a single call; both are handled.
 */
export class ToolCallAccumulator {
  private readonly calls = new Map<number, AssembledToolCall>();

  add(deltas: readonly ToolCallDelta[]): void {
    for (const delta of deltas) {
      const index = delta.index ?? 0;
      const call = this.calls.get(index) ?? { id: '', name: '', arguments: '' };
      if (delta.id) call.id = delta.id;
      if (delta.function?.name && !call.name.endsWith(delta.function.name)) call.name += delta.function.name;
      if (delta.function?.arguments) call.arguments += delta.function.arguments;
      this.calls.set(index, call);
    }
  }

  get size(): number {
    return this.calls.size;
  }

  /** In index order, with an id made up for servers that send none. */
  result(round: number): AssembledToolCall[] {
    return [...this.calls.entries()]
      .sort(([a], [b]) => a - b)
      .map(([index, call]) => ({ ...call, id: call.id || `call_${round}_${index}` }));
  }
}

/** Arguments as an object; invalid JSON becomes an error the model sees and can correct. */
export function parseArguments(text: string): { args: Record<string, unknown> } | { error: string } {
  if (text.trim() === '') return { args: {} };
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
      return { args: parsed as Record<string, unknown> };
    return { error: 'tool arguments must be a JSON object' };
  } catch {
    return { error: `tool arguments are not valid JSON: ${text.slice(0, 200)}` };
  }
}
