import { request } from 'node:http';

export interface SseEvent {
  event: string;
  id?: string;
  data: string;
  /** Epoch ms with sub-ms precision, taken when the chunk holding the event was read. */
  receivedAt: number;
}

export const preciseNow = () => performance.timeOrigin + performance.now();

/** Incremental text/event-stream parser: feed it chunks, get whole events (comments skipped). */
export class SseParser {
  private buffer = '';

  push(chunk: string, receivedAt = preciseNow()): SseEvent[] {
    this.buffer += chunk;
    const events: SseEvent[] = [];
    let end = this.buffer.indexOf('\n\n');
    while (end >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const event: SseEvent = { event: 'message', data: '', receivedAt };
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) event.event = line.slice(7);
        else if (line.startsWith('id: ')) event.id = line.slice(4);
        else if (line.startsWith('data: ')) data.push(line.slice(6));
      }
      event.data = data.join('\n');
      if (data.length > 0) events.push(event);
      end = this.buffer.indexOf('\n\n');
    }
    return events;
  }
}

export interface SseOptions {
  apiKey: string;
  lastEventId?: string;
  /**
   * How the client reads: `fast` reads everything at once; `stalled` never reads after the
   * headers (until drain()); a number reads at most that many bytes per second.
   */
  reading?: 'fast' | 'stalled' | number;
  onEvent?: (event: SseEvent) => void;
}

export interface SseClient {
  readonly events: SseEvent[];
  /** Resolves with the HTTP status once the headers arrived. */
  readonly opened: Promise<number>;
  /** True once the server ended the stream. */
  ended(): boolean;
  /** Start reading at full speed and wait (up to timeoutMs) for the server to end the stream. */
  drain(timeoutMs: number): Promise<boolean>;
  close(): void;
}

/** An SSE client over node:http (chunked decoding by Node), with a controllable read speed. */
export function openSse(url: string, options: SseOptions): SseClient {
  const parser = new SseParser();
  const events: SseEvent[] = [];
  let ended = false;
  let reading = options.reading ?? 'fast';
  let response: import('node:http').IncomingMessage | undefined;
  const endWaiters: Array<() => void> = [];
  const headers: Record<string, string> = { authorization: `Bearer ${options.apiKey}` };
  if (options.lastEventId) headers['last-event-id'] = options.lastEventId;
  const req = request(url, { headers });
  const opened = new Promise<number>((resolve, reject) => {
    req.once('error', reject);
    req.once('response', (res) => {
      response = res;
      res.setEncoding('utf8');
      if (reading === 'stalled') res.pause();
      res.on('data', (chunk: string) => {
        for (const event of parser.push(chunk)) {
          events.push(event);
          options.onEvent?.(event);
        }
        if (typeof reading === 'number') {
          // Throttle: stop reading for as long as this chunk "took" at the allowed byte rate.
          res.pause();
          setTimeout(() => res.resume(), (Buffer.byteLength(chunk) / reading) * 1000);
        }
      });
      const finish = () => {
        ended = true;
        for (const wake of endWaiters.splice(0)) wake();
      };
      res.once('end', finish);
      res.once('close', finish);
      res.once('error', finish);
      resolve(res.statusCode ?? 0);
    });
  });
  opened.catch(() => {});
  req.end();
  return {
    events,
    opened,
    ended: () => ended,
    async drain(timeoutMs) {
      reading = 'fast';
      response?.resume();
      if (ended) return true;
      return new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), timeoutMs);
        endWaiters.push(() => {
          clearTimeout(timer);
          resolve(true);
        });
      });
    },
    close() {
      req.destroy();
    },
  };
}

/** The JetStream sequence in an SSE id `<uuid>-<seq>`. */
export function sequenceOf(id: string | undefined): number {
  return id ? Number(id.slice(id.lastIndexOf('-') + 1)) : Number.NaN;
}
