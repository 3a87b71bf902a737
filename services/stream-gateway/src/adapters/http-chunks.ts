import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** What Node keeps on a response and its socket that says whose bytes go out next (not typed). */
type Internals = { _headerSent?: boolean; socket: (Socket & { _httpMessage?: unknown }) | null };

/**
 * The socket of a response whose body may be written to it directly, as HTTP/1.1 chunks the
 * caller frames (`httpChunk`): the headers are on the wire, the body is chunked, the response
 * holds no bytes of its own, and the socket's current response is this one (not an earlier
 * pipelined request's, whose bytes must go first). Otherwise undefined: write through `res`.
 *
 * Why bother: `res.write` frames each chunk itself, three socket writes per call, which at
 * thousands of clients per event was most of the fan-out's time (docs/performance.md, 2026-12-03).
 */
export function directSocket(res: ServerResponse): Socket | undefined {
  const { socket, _headerSent } = res as unknown as Internals;
  if (!socket || socket.destroyed || !_headerSent || !res.chunkedEncoding) return undefined;
  if (socket._httpMessage !== res) return undefined;
  // `res.writableLength` is the response's own buffered bytes plus its socket's.
  if (res.writableLength !== socket.writableLength) return undefined;
  return socket;
}

/** `bytes` as one HTTP/1.1 chunk: size in hex, CRLF, the bytes, CRLF. */
export function httpChunk(bytes: Buffer): Buffer {
  const head = Buffer.from(`${bytes.length.toString(16)}\r\n`, 'latin1');
  return Buffer.concat([head, bytes, CRLF], head.length + bytes.length + 2);
}

const CRLF = Buffer.from('\r\n', 'latin1');
