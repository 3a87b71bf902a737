import type { ChatProvider, TurnInput } from '../provider.js';
import { chunkText } from '../sse.js';
import { compose } from './compose.js';
import { type Question, understand } from './understand.js';

/**
 * The built-in analyst: no model. It recognises the common questions in English and
 * Traditional Chinese, calls the same tools a model would, and writes the answer from the
 * tool results only, streamed in chunks.
 */
export class BuiltinAnalyst implements ChatProvider {
  readonly name = 'builtin' as const;

  async answer(turn: TurnInput): Promise<void> {
    const question = understand(turn.prompt, turn.devices);
    const text = turn.devices.length === 0 ? compose.noDevices(question) : await this.respond(question, turn);
    for (const chunk of chunkText(text)) {
      if (turn.signal.aborted) return;
      turn.emit(chunk);
      // Yield so each chunk leaves as its own write and a disconnect can stop us between chunks.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private async respond(q: Question, turn: TurnInput): Promise<string> {
    const deviceIds = q.devices.length > 0 ? q.devices.map((d) => d.deviceId) : undefined;
    const window = q.today
      ? { from: new Date(turn.time.dayStart(turn.now)).toISOString(), to: new Date(turn.now).toISOString() }
      : q.lastMinutes !== undefined
        ? { lastMinutes: q.lastMinutes }
        : {};
    switch (q.intent) {
      case 'counts_now':
        return compose.countsNow(q, await turn.tools.call('counts_now', { deviceIds }));
      case 'queue':
        return compose.queue(q, await turn.tools.call('queue_status', { deviceIds }));
      case 'range':
        return compose.range(
          q,
          await turn.tools.call('metrics_over_range', { deviceIds, label: q.label, ...window }),
        );
      case 'busiest':
        return compose.busiest(
          q,
          await turn.tools.call('busiest_hour', { deviceIds, label: q.label, ...window }),
        );
      case 'compare':
        return compose.compare(
          q,
          await turn.tools.call('compare_devices', { deviceIds, label: q.label, ...window }),
        );
      case 'compare_zones':
        return compose.compareZones(
          q,
          await turn.tools.call('compare_zones', { deviceIds, label: q.label, ...window }),
        );
      case 'events':
        return compose.events(
          q,
          await turn.tools.call('recent_events', {
            deviceIds,
            alertsOnly: q.alertsOnly,
            lastMinutes: q.lastMinutes,
          }),
        );
      default:
        return compose.help(q);
    }
  }
}
