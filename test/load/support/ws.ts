import { createRequire } from 'node:module';
import { join } from 'node:path';
import { repoRoot } from '@sightline/testing';
import { preciseNow } from './sse.js';

/** The part of the `ws` client this suite uses. */
interface WsSocket {
  on(event: 'open', listener: () => void): void;
  on(event: 'message', listener: (data: Buffer) => void): void;
  on(event: 'close', listener: (code: number) => void): void;
  on(event: 'error', listener: (err: Error) => void): void;
  pause(): void;
  resume(): void;
  close(): void;
}
type WsConstructor = new (url: string, options: { headers: Record<string, string> }) => WsSocket;

// The real `ws` client, the one the gateway's own tests use; it is the gateway's dependency, so
// it is loaded from there rather than added to the root package.
const WebSocket = createRequire(join(repoRoot, 'services', 'stream-gateway', 'package.json'))(
  'ws',
) as WsConstructor;

export interface WsMessage {
  text: string;
  receivedAt: number;
}

export interface WsClient {
  readonly messages: WsMessage[];
  readonly opened: Promise<void>;
  /** The close code once the socket closed, else undefined. */
  closeCode(): number | undefined;
  /** Read again (after stalled) and wait up to timeoutMs for the server to close; its code. */
  drain(timeoutMs: number): Promise<number | undefined>;
  close(): void;
}

/** A WebSocket client that reads at once, or (`stalled`) stops reading right after the upgrade. */
export function openWs(url: string, apiKey: string, stalled = false): WsClient {
  const socket = new WebSocket(url, { headers: { authorization: `Bearer ${apiKey}` } });
  const messages: WsMessage[] = [];
  let code: number | undefined;
  const closeWaiters: Array<() => void> = [];
  const opened = new Promise<void>((resolve, reject) => {
    socket.on('open', () => {
      if (stalled) socket.pause();
      resolve();
    });
    socket.on('error', reject);
  });
  opened.catch(() => {});
  socket.on('message', (data) => messages.push({ text: data.toString('utf8'), receivedAt: preciseNow() }));
  socket.on('close', (closeCode) => {
    code = closeCode;
    for (const wake of closeWaiters.splice(0)) wake();
  });
  return {
    messages,
    opened,
    closeCode: () => code,
    async drain(timeoutMs) {
      socket.resume();
      if (code !== undefined) return code;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        closeWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      return code;
    },
    close: () => socket.close(),
  };
}
