import type { ChatMessage } from '@sightline/contracts';
import { ungroundedNumbers } from './grounding.js';
import type { AnalyticsPort, DeviceInfo, EventsPort } from './ports.js';
import type { ChatProvider } from './provider.js';
import type { TimeFormatter } from './time-format.js';
import { allTools, type ToolCallRecord, ToolRunner } from './tools/index.js';

export interface TurnDeps {
  provider: ChatProvider;
  analytics: AnalyticsPort;
  events: EventsPort;
  time: TimeFormatter;
  onToolCall?: (tool: string, outcome: 'ok' | 'bad_arguments' | 'error') => void;
}

export interface TurnRequest {
  tenantId: string;
  devices: DeviceInfo[];
  history: readonly ChatMessage[];
  prompt: string;
  signal: AbortSignal;
  emit(text: string): void;
}

/** What a finished turn produced: the answer, the tool calls behind it, invented numbers. */
export interface TurnRecord {
  tenantId: string;
  provider: string;
  prompt: string;
  answer: string;
  calls: ToolCallRecord[];
  ungrounded: string[];
}

/** One assistant turn: tools bound to the tenant and chat devices, the provider, the record. */
export async function runTurn(deps: TurnDeps, req: TurnRequest): Promise<TurnRecord> {
  const now = Date.now();
  const tools = new ToolRunner(
    allTools,
    {
      tenantId: req.tenantId,
      devices: req.devices,
      now,
      time: deps.time,
      analytics: deps.analytics,
      events: deps.events,
      signal: req.signal,
    },
    deps.onToolCall,
  );
  let answer = '';
  await deps.provider.answer({
    history: req.history,
    prompt: req.prompt,
    devices: req.devices,
    tools,
    time: deps.time,
    now,
    signal: req.signal,
    emit: (text) => {
      answer += text;
      req.emit(text);
    },
  });
  return {
    tenantId: req.tenantId,
    provider: deps.provider.name,
    prompt: req.prompt,
    answer,
    calls: tools.calls,
    ungrounded: ungroundedNumbers(answer, tools.calls),
  };
}
