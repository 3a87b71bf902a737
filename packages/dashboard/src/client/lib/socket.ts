import { ReconnectLoop } from './connection.js';

/**
 * A same-origin WebSocket on `path`, reconnected with backoff. The browser sends the session
 * cookie (and its Origin, which the gateway checks) on the handshake: no ticket, no key.
 */
export function openSessionSocket(path: string, onMessage: (data: unknown) => void): ReconnectLoop {
  return new ReconnectLoop(async (opened, ended) => {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const ws = new WebSocket(`${scheme}://${location.host}${path}`);
    ws.onopen = opened;
    ws.onmessage = (event) => {
      if (typeof event.data !== 'string') return;
      try {
        onMessage(JSON.parse(event.data));
      } catch {
        // ignore a malformed message, keep the socket
      }
    };
    ws.onclose = (event) => ended(event.reason || `socket closed (${event.code})`);
    return () => ws.close(1000, 'bye');
  }).start();
}
