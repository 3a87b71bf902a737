import type { AnalysisResult } from '@sightline/contracts';
import { ReconnectLoop } from './connection.js';

/**
 * `GET /api/v1/devices/analysis/stream/all`, authenticated by the session cookie the browser
 * sends by itself. While the source lives, EventSource resumes on its own with Last-Event-ID
 * (the cookie is still valid, unlike a spent ticket). When it gives up (a non-2xx answer, or the
 * server's `disconnect`), we open a new one passing the last id as `lastEventId`, which the
 * gateway treats exactly like the header: no event is missed or repeated.
 */
export function openAnalysisStream(onResult: (result: AnalysisResult) => void): ReconnectLoop {
  let lastEventId: string | undefined;
  const loop: ReconnectLoop = new ReconnectLoop(async (opened, ended) => {
    const query = lastEventId ? `?lastEventId=${encodeURIComponent(lastEventId)}` : '';
    const source = new EventSource(`/api/v1/devices/analysis/stream/all${query}`);
    source.onopen = opened;
    source.addEventListener('analysis_result', (event) => {
      const message = event as MessageEvent<string>;
      if (message.lastEventId) lastEventId = message.lastEventId;
      try {
        onResult(JSON.parse(message.data) as AnalysisResult);
      } catch {
        // one malformed event must not end the stream
      }
    });
    source.addEventListener('reset', () => {
      // the resume point aged out of retention: the stream continues from the oldest kept event
    });
    source.addEventListener('disconnect', () => source.close());
    source.onerror = () => {
      // CONNECTING: the browser is already retrying with Last-Event-ID; only a closed source is ours to redo.
      if (source.readyState === EventSource.CLOSED) ended('analysis stream closed');
      else loop.retryingNatively('connection lost; the browser is retrying');
    };
    // The server ends streams with `event: disconnect` (idle, shutdown); after close() no onerror fires.
    const watch = setInterval(() => {
      if (source.readyState === EventSource.CLOSED) ended('analysis stream ended');
    }, 1000);
    return () => {
      clearInterval(watch);
      source.close();
    };
  });
  return loop.start();
}
