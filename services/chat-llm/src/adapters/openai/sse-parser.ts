/**
 * Incremental parser of an OpenAI-style `text/event-stream` body. Bytes arrive in arbitrary
 * pieces (a line, a UTF-8 character, or `\n\n` may be split across TCP reads); complete events
 * come out as their `data` payload. Comments (`: keep-alive`) and other fields are skipped.
 */
export class SseDataParser {
  private readonly decoder = new TextDecoder();
  private buffer = '';
  private data: string[] = [];

  /** Feed the next bytes; returns the data payloads of the events they completed. */
  push(bytes: Uint8Array): string[] {
    this.buffer += this.decoder.decode(bytes, { stream: true });
    return this.drain();
  }

  /** The stream ended: flush an event that had no trailing blank line. */
  end(): string[] {
    this.buffer += this.decoder.decode();
    const out = this.drain();
    if (this.buffer) out.push(...this.line(this.buffer));
    this.buffer = '';
    if (this.data.length > 0) out.push(this.data.join('\n'));
    this.data = [];
    return out;
  }

  private drain(): string[] {
    const out: string[] = [];
    let newline = this.buffer.search(/\r\n|\r|\n/);
    while (newline >= 0) {
      const line = this.buffer.slice(0, newline);
      // A lone \r at the end may be the first half of \r\n: wait for the next bytes.
      if (this.buffer[newline] === '\r' && newline === this.buffer.length - 1) break;
      const width = this.buffer.startsWith('\r\n', newline) ? 2 : 1;
      this.buffer = this.buffer.slice(newline + width);
      out.push(...this.line(line));
      newline = this.buffer.search(/\r\n|\r|\n/);
    }
    return out;
  }

  private line(line: string): string[] {
    if (line === '') {
      if (this.data.length === 0) return [];
      const event = this.data.join('\n');
      this.data = [];
      return [event];
    }
    if (line.startsWith(':')) return [];
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    return [];
  }
}
