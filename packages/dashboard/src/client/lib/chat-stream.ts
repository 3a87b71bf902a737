/** Seed 002 chat events, with Sightline's `error` addition. */
export type ChatEvent =
  | { type: 'chunk'; text: string }
  | { type: 'done' }
  | { type: 'error'; message: string };

/**
 * Splits a byte stream of `data: {...}` lines into events. Unlike seed 002's client it keeps the
 * incomplete tail of each read for the next one, so a line split across reads is not lost.
 */
export class ChatStreamParser {
  private buffer = '';
  private readonly decoder = new TextDecoder();

  push(bytes: Uint8Array | undefined, final = false): ChatEvent[] {
    this.buffer += bytes ? this.decoder.decode(bytes, { stream: !final }) : this.decoder.decode();
    const lines = this.buffer.split('\n');
    this.buffer = final ? '' : (lines.pop() ?? '');
    const events: ChatEvent[] = [];
    for (const raw of lines) {
      const line = raw.replace(/\r$/, '');
      if (!line.startsWith('data:')) continue;
      try {
        const event = JSON.parse(line.slice(5).trim()) as ChatEvent;
        if (event && typeof event.type === 'string') events.push(event);
      } catch {
        // seed 002: ignore malformed JSON
      }
    }
    return events;
  }
}

/** Reads a streamed answer like seed 002 (fetch + getReader), reporting each event as it arrives. */
export async function readChatStream(res: Response, onEvent: (event: ChatEvent) => void): Promise<void> {
  if (!res.body) throw new Error('the answer has no body');
  const reader = res.body.getReader();
  const parser = new ChatStreamParser();
  for (;;) {
    const { done, value } = await reader.read();
    for (const event of parser.push(value, done)) onEvent(event);
    if (done) return;
  }
}
