import type { ChatProvider, TurnInput } from '../../domain/provider.js';
import { ProviderError } from '../../domain/provider.js';
import { allTools } from '../../domain/tools/index.js';
import { type CompletionRound, streamCompletion } from './stream-completion.js';
import { systemPrompt } from './system-prompt.js';
import { parseArguments } from './tool-calls.js';
import { type WireMessage, wireTools } from './wire.js';

export interface OpenAiOptions {
  baseUrl: string;
  model: string;
  apiKey?: string;
  /** No byte from the endpoint for this long (before or between chunks) fails the request. */
  timeoutMs: number;
  /** Attempts of a request that failed before its first chunk. */
  maxAttempts: number;
  /** Tool rounds per turn before giving up on a model that keeps calling tools. */
  maxToolRounds?: number;
  /** First backoff delay; doubles per attempt, with jitter. */
  backoffMs?: number;
}

/**
 * Any OpenAI-compatible chat-completions endpoint (OpenAI, vLLM, Ollama, llama.cpp server) with
 * `stream: true` and tool calls: stream text to the client, run the tools the model asks for,
 * send the results back, continue until the model answers without tools.
 */
export class OpenAiProvider implements ChatProvider {
  readonly name = 'openai' as const;

  constructor(private readonly options: OpenAiOptions) {}

  async answer(turn: TurnInput): Promise<void> {
    const messages: WireMessage[] = [
      { role: 'system', content: systemPrompt(turn.devices, turn.time, turn.now) },
      ...turn.history.map((m) => ({ role: m.role, content: m.content }) as WireMessage),
    ];
    const tools = wireTools(allTools);
    const maxRounds = this.options.maxToolRounds ?? 5;
    for (let round = 0; round <= maxRounds; round++) {
      const result = await this.withRetries(
        turn,
        { model: this.options.model, messages, tools, stream: true },
        round,
      );
      if (result.toolCalls.length === 0) return;
      if (round === maxRounds) break;
      messages.push({
        role: 'assistant',
        content: result.content || null,
        tool_calls: result.toolCalls.map((c) => ({
          id: c.id,
          type: 'function',
          function: { name: c.name, arguments: c.arguments },
        })),
      });
      for (const call of result.toolCalls) {
        const parsed = parseArguments(call.arguments);
        const output =
          'error' in parsed ? { error: parsed.error } : await turn.tools.call(call.name, parsed.args);
        messages.push({ role: 'tool', tool_call_id: call.id, content: JSON.stringify(output) });
      }
    }
    throw new ProviderError(
      `the model asked for tools more than ${maxRounds} times without answering`,
      false,
    );
  }

  /** Retry with exponential backoff, but only while this request has streamed nothing. */
  private async withRetries(turn: TurnInput, body: object, round: number): Promise<CompletionRound> {
    for (let attempt = 1; ; attempt++) {
      const progress = { streamed: false };
      try {
        return await streamCompletion({
          ...this.options,
          body,
          round,
          signal: turn.signal,
          emit: turn.emit,
          progress,
        });
      } catch (err) {
        const retryable =
          err instanceof ProviderError && err.retryable && !progress.streamed && !turn.signal.aborted;
        if (!retryable || attempt >= this.options.maxAttempts) throw err;
        await sleep(backoff(this.options.backoffMs ?? 250, attempt), turn.signal);
      }
    }
  }
}

function backoff(baseMs: number, attempt: number): number {
  const exp = baseMs * 2 ** (attempt - 1);
  return exp / 2 + Math.random() * (exp / 2);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}
