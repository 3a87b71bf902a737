import { openSse, type SseClient, type SseEvent } from './sse.js';

export interface ResumingSse {
  /** Resolves with the first connection's HTTP status. */
  opened: Promise<number>;
  reconnects(): number;
  close(): void;
}

/**
 * An SSE client for runs of many minutes: when the server ends the stream (idle timeout, a
 * restart), it reconnects with the last event id as Last-Event-ID, as EventSource does, so the
 * count of events stays exact (resume delivers every later event once).
 */
export function openResumingSse(
  url: string,
  apiKey: string,
  onEvent: (event: SseEvent) => void,
): ResumingSse {
  let lastEventId: string | undefined;
  let reconnects = 0;
  let closed = false;
  const connect = (): SseClient =>
    openSse(url, {
      apiKey,
      ...(lastEventId ? { lastEventId } : {}),
      onEvent: (event) => {
        if (event.id) lastEventId = event.id;
        onEvent(event);
      },
    });
  let client = connect();
  const watch = setInterval(() => {
    if (closed || !client.ended()) return;
    reconnects++;
    client = connect();
  }, 1000);
  return {
    opened: client.opened,
    reconnects: () => reconnects,
    close() {
      closed = true;
      clearInterval(watch);
      client.close();
    },
  };
}
