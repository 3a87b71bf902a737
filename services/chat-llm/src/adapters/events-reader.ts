import { AnalyticEvent, compile, streams, subjects } from '@sightline/contracts';
import { DeliverPolicy, type JetStreamClient } from '@sightline/nats';
import type { EventsPort } from '../domain/ports.js';

const eventValidator = compile(AnalyticEvent);

/**
 * Reads a tenant's recent analytic events from the EVENTS stream with a short-lived ordered
 * consumer starting at a time. This is a bounded read for one answer, not a consumer of the
 * stream: nothing is acked and nothing is left behind on the server.
 */
export class JetStreamEventsReader implements EventsPort {
  constructor(
    private readonly js: JetStreamClient,
    private readonly fetchTimeoutMs = 2000,
  ) {}

  async recent(tenantId: string, sinceMs: number, limit: number): Promise<AnalyticEvent[]> {
    const consumer = await this.js.consumers.get(streams.events.name, {
      // One subject as a string: nats-server 2.9 (Debian) has no multi-filter consumers.
      filter_subjects: subjects.eventsOfTenant(tenantId),
      deliver_policy: DeliverPolicy.StartTime,
      opt_start_time: new Date(sinceMs).toISOString(),
    });
    const out: AnalyticEvent[] = [];
    try {
      const pending = (await consumer.info(true)).num_pending;
      if (pending === 0) return out;
      const messages = await consumer.fetch({
        max_messages: Math.min(pending, 1000),
        expires: this.fetchTimeoutMs,
      });
      for await (const m of messages) {
        const event = safeJson(m.data);
        if (eventValidator.check(event)) out.push(event);
        if (m.info.pending === 0) break;
      }
    } finally {
      await consumer.delete().catch(() => undefined);
    }
    // Keep the newest when there are more than asked for.
    return out.slice(-limit);
  }
}

function safeJson(data: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(data));
  } catch {
    return undefined;
  }
}
