import type { WebSocket } from 'ws';

/** Run `fn` when the socket closes, or now if it already has (it may close while we await). */
export function whenClosed(socket: WebSocket, fn: () => void): void {
  if (socket.readyState === socket.CLOSED || socket.readyState === socket.CLOSING) fn();
  else socket.once('close', fn);
}
