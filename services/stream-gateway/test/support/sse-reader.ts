/** A parsed SSE block: what a client sees. */
export interface SseBlock {
  event?: string;
  id?: string;
  data?: string;
  retry?: number;
  comment?: string;
}

/**
 * An SSE client written as seed 002's: `fetch` + `body.getReader()` + TextDecoder, splitting the
 * text on blank lines. Collects every block so tests can wait for and inspect them.
 */
export class FetchSse {
  readonly blocks: SseBlock[] = [];
  ended = false;
  private controller = new AbortController();
  private constructor(readonly response: Response) {}

  static async open(url: string, headers: Record<string, string> = {}): Promise<FetchSse> {
    const controller = new AbortController();
    const response = await fetch(url, {
      headers: { Accept: 'text/event-stream', ...headers },
      signal: controller.signal,
    });
    const client = new FetchSse(response);
    client.controller = controller;
    if (response.ok && response.body) void client.pump(response.body.getReader());
    return client;
  }

  get events(): SseBlock[] {
    return this.blocks.filter((b) => b.event !== undefined);
  }

  close(): void {
    this.controller.abort();
  }

  private async pump(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      while (true) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          this.blocks.push(parseBlock(buffer.slice(0, end)));
          buffer = buffer.slice(end + 2);
          end = buffer.indexOf('\n\n');
        }
      }
    } catch {
      // aborted
    }
    this.ended = true;
  }
}

function parseBlock(text: string): SseBlock {
  const block: SseBlock = {};
  for (const line of text.split('\n')) {
    if (line.startsWith(':')) block.comment = line.slice(1).trim();
    else if (line.startsWith('event: ')) block.event = line.slice(7);
    else if (line.startsWith('id: ')) block.id = line.slice(4);
    else if (line.startsWith('data: '))
      block.data = block.data === undefined ? line.slice(6) : `${block.data}\n${line.slice(6)}`;
    else if (line.startsWith('retry: ')) block.retry = Number(line.slice(7));
  }
  return block;
}
