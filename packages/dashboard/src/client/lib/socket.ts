import { ReconnectLoop } from './connection.js';
import type { Api } from './http.js';

/** A same-origin WebSocket on `path?ticket=`, reconnected with backoff, each time with a fresh ticket. */
export function openTicketSocket(api: Api, path: string, onMessage: (data: unknown) => void): ReconnectLoop {
  return new ReconnectLoop(async (opened, ended) => {
    const ticket = await api.streamTicket();
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const separator = path.includes('?') ? '&' : '?';
    const ws = new WebSocket(
      `${scheme}://${location.host}${path}${separator}ticket=${encodeURIComponent(ticket)}`,
    );
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
