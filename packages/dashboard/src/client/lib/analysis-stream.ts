import type { AnalysisResult } from '@sightline/contracts';
import { ReconnectLoop } from './connection.js';
import type { Api } from './http.js';

/**
 * `GET /api/v1/devices/analysis/stream/all?ticket=`. While a connection lives, EventSource
 * resumes by itself with Last-Event-ID. When it gives up (the ticket is single use, so a native
 * retry after a drop is refused) we take a fresh ticket and pass the last id as `lastEventId`,
 * which the gateway treats exactly like the header: no event is missed or repeated.
 */
export function openAnalysisStream(api: Api, onResult: (result: AnalysisResult) => void): ReconnectLoop {
  let lastEventId: string | undefined;
  const loop: ReconnectLoop = new ReconnectLoop(async (opened, ended) => {
    const ticket = await api.streamTicket();
    const params = new URLSearchParams({ ticket });
    if (lastEventId) params.set('lastEventId', lastEventId);
    const source = new EventSource(`/api/v1/devices/analysis/stream/all?${params}`);
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
