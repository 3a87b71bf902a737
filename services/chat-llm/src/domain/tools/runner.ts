import { type Tool, ToolArgumentError, type ToolCallRecord, type ToolContext } from './tool.js';

/**
 * Runs the tools of one turn and keeps every call and result: the provider feeds results back to
 * the model, and the grounding check compares the answer's numbers against them.
 */
export class ToolRunner {
  readonly calls: ToolCallRecord[] = [];
  private readonly byName: Map<string, Tool>;

  constructor(
    readonly tools: readonly Tool[],
    private readonly ctx: ToolContext,
    private readonly onCall?: (name: string, outcome: 'ok' | 'bad_arguments' | 'error') => void,
  ) {
    this.byName = new Map(tools.map((t) => [t.name, t]));
  }

  /**
   * Run a tool by name. Bad arguments come back as an `{error}` result the model can correct;
   * infrastructure failures (analytics down) throw and end the turn with the error event.
   */
  async call(name: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
    const tool = this.byName.get(name);
    let result: Record<string, unknown>;
    if (!tool) {
      result = { error: `unknown tool "${name}"` };
      this.onCall?.(name, 'bad_arguments');
    } else {
      try {
        result = await tool.run(this.ctx, args);
        this.onCall?.(name, 'ok');
      } catch (err) {
        if (!(err instanceof ToolArgumentError)) {
          this.onCall?.(name, 'error');
          throw err;
        }
        result = { error: err.message };
        this.onCall?.(name, 'bad_arguments');
      }
    }
    this.calls.push({ name, args, result });
    return result;
  }
}
