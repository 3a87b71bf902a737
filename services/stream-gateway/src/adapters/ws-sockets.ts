import type { WebSocket } from 'ws';
import { type CloseCode, closeCodes } from '../domain/ws-close.js';
import type { GatewayMetrics, Transport } from '../metrics.js';

interface Tracked {
  transport: Transport;
  alive: boolean;
}

/**
 * Every open WebSocket of this process: ping/pong keep-alive (a socket that did not answer the
 * previous ping is terminated), connection gauges, and closing them all on shutdown.
 */
export class WsSockets {
  private readonly sockets = new Map<WebSocket, Tracked>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly metrics: GatewayMetrics,
    private readonly pingMs: number,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.pingAll(), this.pingMs);
    this.timer.unref();
  }

  track(socket: WebSocket, transport: Transport, onClose: () => void = () => undefined): void {
    const tracked: Tracked = { transport, alive: true };
    this.sockets.set(socket, tracked);
    this.metrics.connections.inc({ transport });
    socket.on('pong', () => {
      tracked.alive = true;
    });
    socket.once('close', (code) => {
      this.sockets.delete(socket);
      this.metrics.connections.dec({ transport });
      this.metrics.disconnects.inc({ transport, reason: String(code) });
      onClose();
    });
  }

  closeAll(): void {
    if (this.timer) clearInterval(this.timer);
    for (const socket of this.sockets.keys()) socket.close(closeCodes.goingAway, 'server shutting down');
  }

  private pingAll(): void {
    for (const [socket, tracked] of this.sockets) {
      if (!tracked.alive) {
        socket.terminate();
        continue;
      }
      tracked.alive = false;
      socket.ping();
    }
  }
}

/** Seed 003's way to refuse: one `{"error": ...}` message, then close. */
export function refuse(socket: WebSocket, code: CloseCode, message: string): void {
  if (socket.readyState !== socket.OPEN) return;
  socket.send(JSON.stringify({ error: message }));
  socket.close(code, message.slice(0, 120));
}
