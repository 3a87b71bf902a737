import { EventSource } from 'eventsource';

export interface Collected {
  id: string;
  frameId: string;
  receivedAt: number;
}

/**
 * A real SSE client (the `eventsource` package, which reconnects by itself with Last-Event-ID)
 * collecting analysis_result events. The key goes in a header through a custom fetch.
 */
export class SseCollector {
  readonly events: Collected[] = [];
  reconnects = 0;
  private readonly source: EventSource;

  constructor(url: () => string, apiKey: string) {
    this.source = new EventSource(url(), {
      fetch: (input, init) =>
        fetch(input, { ...init, headers: { ...(init?.headers ?? {}), authorization: `Bearer ${apiKey}` } }),
    });
    this.source.addEventListener('analysis_result', (event) => {
      const data = JSON.parse(event.data) as { frameId: string };
      this.events.push({ id: event.lastEventId, frameId: data.frameId, receivedAt: Date.now() });
    });
    this.source.addEventListener('error', () => {
      this.reconnects++;
    });
  }

  async opened(timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.source.readyState !== EventSource.OPEN) {
      if (Date.now() > deadline) throw new Error('SSE did not open');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  close(): void {
    this.source.close();
  }
}

/** Every accepted frame exactly once, in stream order (ids strictly increasing). */
export function checkExactlyOnce(acceptedFrameIds: string[], events: Collected[]) {
  const counts = new Map<string, number>();
  for (const e of events) counts.set(e.frameId, (counts.get(e.frameId) ?? 0) + 1);
  const missing = acceptedFrameIds.filter((id) => !counts.has(id));
  const duplicated = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
  const seqs = events.map((e) => Number(e.id.slice(e.id.lastIndexOf('-') + 1)));
  const outOfOrder = seqs.filter((s, i) => i > 0 && s <= seqs[i - 1]!).length;
  return { missing, duplicated, outOfOrder };
}
