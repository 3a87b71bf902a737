import type { ChatMessage } from '@sightline/contracts';
import type { DeviceInfo } from './ports.js';
import type { TimeFormatter } from './time-format.js';
import type { ToolRunner } from './tools/runner.js';

/** One assistant turn as a provider sees it. */
export interface TurnInput {
  /** Earlier messages of the chat, oldest first, ending with the new user prompt. */
  history: readonly ChatMessage[];
  prompt: string;
  devices: readonly DeviceInfo[];
  tools: ToolRunner;
  time: TimeFormatter;
  now: number;
  /** Aborted when the client disconnects: stop generating and cancel upstream requests. */
  signal: AbortSignal;
  /** Send one piece of the answer to the client (one `chunk` event). */
  emit(text: string): void;
}

export interface ChatProvider {
  readonly name: 'builtin' | 'openai';
  /** Resolves when the answer is complete; throws (or rejects) on failure. */
  answer(turn: TurnInput): Promise<void>;
}

/** A provider failure whose message may be shown to the client in the error event. */
export class ProviderError extends Error {
  override name = 'ProviderError';
  constructor(
    message: string,
    /** Worth another attempt (network, 429, 5xx) when nothing was streamed yet. */
    readonly retryable: boolean,
  ) {
    super(message);
  }
}
