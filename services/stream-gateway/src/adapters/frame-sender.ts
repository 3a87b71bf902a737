import type { WebSocket } from 'ws';

/**
 * Sends live frames to one socket with at most `maxInFlight` frames not yet handed to the
 * kernel. Beyond that one frame waits; a newer frame replaces it (the older one is dropped), so
 * a slow viewer sees fewer, but always recent, frames and never holds others back.
 */
export class FrameSender {
  private inFlight = 0;
  private waiting: string | undefined;

  constructor(
    private readonly socket: WebSocket,
    private readonly maxInFlight: number,
    private readonly onSent: () => void,
    private readonly onDropped: () => void,
  ) {}

  send(text: string): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    if (this.inFlight < this.maxInFlight) {
      this.write(text);
      return;
    }
    if (this.waiting !== undefined) this.onDropped();
    this.waiting = text;
  }

  private write(text: string): void {
    this.inFlight++;
    this.socket.send(text, (err) => {
      this.inFlight--;
      if (err) return;
      this.onSent();
      const next = this.waiting;
      this.waiting = undefined;
      if (next !== undefined) this.send(next);
    });
  }
}
