import { Counter, Gauge, Histogram, metricPrefix, type Registry } from '@sightline/service-kit';

const p = metricPrefix('chat-llm');

export function createMetrics(registry: Registry) {
  return {
    turns: new Counter({
      name: `${p}turns_total`,
      help: 'Assistant turns by provider and outcome (done, error, aborted)',
      labelNames: ['provider', 'outcome'] as const,
      registers: [registry],
    }),
    rejected: new Counter({
      name: `${p}rejected_total`,
      help: 'Messages refused before streaming, by reason',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    toolCalls: new Counter({
      name: `${p}tool_calls_total`,
      help: 'Tool calls by tool and outcome',
      labelNames: ['tool', 'outcome'] as const,
      registers: [registry],
    }),
    ungroundedNumbers: new Counter({
      name: `${p}ungrounded_numbers_total`,
      help: 'Numbers in answers that no tool result of the turn contains',
      labelNames: ['provider'] as const,
      registers: [registry],
    }),
    activeStreams: new Gauge({
      name: `${p}active_streams`,
      help: 'Open answer streams',
      registers: [registry],
    }),
    firstChunk: new Histogram({
      name: `${p}first_chunk_seconds`,
      help: 'Time from the prompt to the first chunk of the answer',
      labelNames: ['provider'] as const,
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
      registers: [registry],
    }),
  };
}

export type ChatMetrics = ReturnType<typeof createMetrics>;
