import { ProviderError } from '../../domain/provider.js';
import { SseDataParser } from './sse-parser.js';
import { type AssembledToolCall, ToolCallAccumulator } from './tool-calls.js';
import type { StreamChunk } from './wire.js';

export interface CompletionRound {
  content: string;
  toolCalls: AssembledToolCall[];
}

export interface CompletionRequest {
  baseUrl: string;
  apiKey?: string;
  timeoutMs: number;
  body: object;
  round: number;
  signal: AbortSignal;
  emit(text: string): void;
  /** Set once this request streamed anything (text or a tool call): from then on, no retry. */
  progress: { streamed: boolean };
}

/** One streamed chat-completions request: text goes out as it arrives, tool calls are assembled. */
export async function streamCompletion(req: CompletionRequest): Promise<CompletionRound> {
  const idle = new IdleTimer(req.timeoutMs);
  const signal = AbortSignal.any([req.signal, idle.signal]);
  try {
    const response = await fetch(`${req.baseUrl.replace(/\/+$/, '')}/chat/completions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream',
        ...(req.apiKey ? { authorization: `Bearer ${req.apiKey}` } : {}),
      },
      body: JSON.stringify(req.body),
      signal,
    });
    idle.reset();
    if (!response.ok || !response.body) throw await httpError(response);
    return await readStream(response.body, req, idle);
  } catch (err) {
    if (idle.fired) throw new ProviderError(`the model sent nothing for ${req.timeoutMs} ms`, true);
    if (err instanceof ProviderError || req.signal.aborted) throw err;
    throw new ProviderError(`could not reach the model endpoint (${(err as Error).message})`, true);
  } finally {
    idle.stop();
  }
}

async function readStream(body: ReadableStream<Uint8Array>, req: CompletionRequest, idle: IdleTimer) {
  const parser = new SseDataParser();
  const calls = new ToolCallAccumulator();
  let content = '';
  let finished = false;
  const handle = (payload: string) => {
    if (payload.trim() === '[DONE]') {
      finished = true;
      return;
    }
    const chunk = parseChunk(payload);
    for (const choice of chunk.choices ?? []) {
      const text = choice.delta?.content;
      if (text) {
        req.progress.streamed = true;
        content += text;
        req.emit(text);
      }
      if (choice.delta?.tool_calls?.length) {
        req.progress.streamed = true;
        calls.add(choice.delta.tool_calls);
      }
      if (choice.finish_reason) finished = true;
    }
  };
  const reader = body.getReader();
  try {
    while (true) {
      const { done, value } = await reader.read();
      idle.reset();
      const payloads = done ? parser.end() : parser.push(value);
      for (const p of payloads) handle(p);
      if (done) break;
    }
  } finally {
    reader.releaseLock();
  }
  if (!finished) throw new ProviderError('the model stream ended before it finished', true);
  return { content, toolCalls: calls.result(req.round) };
}

function parseChunk(payload: string): StreamChunk {
  let chunk: StreamChunk;
  try {
    chunk = JSON.parse(payload) as StreamChunk;
  } catch {
    throw new ProviderError('the model sent a stream event that is not JSON', false);
  }
  if (chunk.error) {
    const message = typeof chunk.error === 'string' ? chunk.error : (chunk.error.message ?? 'unknown error');
    throw new ProviderError(`the model failed: ${message}`, true);
  }
  return chunk;
}

async function httpError(response: Response): Promise<ProviderError> {
  const text = (await response.text().catch(() => '')).slice(0, 500);
  let message = text;
  try {
    const json = JSON.parse(text) as { error?: { message?: string } | string };
    message = typeof json.error === 'string' ? json.error : (json.error?.message ?? text);
  } catch {
    // not JSON: keep the text
  }
  const retryable = response.status === 408 || response.status === 429 || response.status >= 500;
  return new ProviderError(
    `the model endpoint answered ${response.status}: ${message || response.statusText}`,
    retryable,
  );
}

/** Aborts when no byte arrived for `ms`; reset on every read. */
class IdleTimer {
  private readonly controller = new AbortController();
  private timer?: NodeJS.Timeout;
  fired = false;

  constructor(private readonly ms: number) {
    this.reset();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  reset(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.fired = true;
      this.controller.abort(new Error('idle timeout'));
    }, this.ms);
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}
