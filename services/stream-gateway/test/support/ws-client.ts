import { WebSocket } from 'ws';

/** A `ws` client that records every message and how the socket ended. */
export class WsClient {
  readonly messages: unknown[] = [];
  closed: { code: number; reason: string } | undefined;
  /** HTTP status when the upgrade itself was refused. */
  refusedWith: number | undefined;
  readonly ws: WebSocket;
  readonly opened: Promise<boolean>;

  constructor(url: string, options: { headers?: Record<string, string>; autoPong?: boolean } = {}) {
    this.ws = new WebSocket(url, { headers: options.headers, autoPong: options.autoPong ?? true });
    this.ws.on('message', (data) => this.messages.push(JSON.parse(String(data))));
    this.ws.on('close', (code, reason) => {
      this.closed = { code, reason: String(reason) };
    });
    this.opened = new Promise((resolve) => {
      this.ws.once('open', () => resolve(true));
      this.ws.once('unexpected-response', (_req, res) => {
        this.refusedWith = res.statusCode;
        resolve(false);
      });
      this.ws.once('error', () => resolve(false));
    });
  }

  send(value: unknown): void {
    this.ws.send(JSON.stringify(value));
  }

  close(): void {
    this.ws.terminate();
  }
}
