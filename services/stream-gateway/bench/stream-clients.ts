/**
 * Child process of `pnpm bench:gateway`: N light clients of one protocol, all on raw TCP sockets
 * in this one process, the same code for every server the bench compares:
 *   sse — `GET <path>` with `Accept: text/event-stream` (the bare server and gateway SSE);
 *   ws  — a WebSocket upgrade to `<path>`, one event per text message (gateway `/ws/events`);
 *   sio — Socket.IO's own protocol over a WebSocket (engine.io 4: open `0{…}`, connect `40`, events
 *         `42[…]`, ping `2` answered `3`).
 * A client counts events without decoding them: SSE by finding `event: analysis_result\n` in the
 * bytes, WebSocket by reading frame headers and skipping payloads. One connection in 20 also reads
 * each event's `timestamp` (the publisher's send time) for latency. The point is that the clients,
 * which share the machine with the server, cost as little and the same per event whatever the
 * server, so what is measured is the server (see docs/performance.md for what the library clients
 * — `http`/`ws`/socket.io-client, `--client library` — cost).
 *
 * argv: kind, url, clients, headers JSON. Reads "start"/"stop" lines on stdin; prints a JSON line
 * `{connected, failed}` once every client is connected (or refused), and
 * `{delivered, p50, p99, cpu}` on "stop".
 */
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { ClientTally } from './client-tally.js';

type Kind = 'sse' | 'ws' | 'sio';
const [kindArg = 'sse', url = '', clientsArg = '1', headersJson = '{}'] = process.argv.slice(2);
const kind = kindArg as Kind;
const clients = Number(clientsArg);
const headers = JSON.parse(headersJson) as Record<string, string>;

const tally = new ClientTally();

/** The publisher's send time from the text of one event: `timestamp` as ISO or Unix ms digits. */
function sentAt(text: string, from = 0): number {
  const at = text.indexOf('timestamp', from);
  if (at < 0) return Number.NaN;
  let start = at + 'timestamp'.length;
  // `":"` in JSON, `\":\"` inside Socket.IO's JSON-encoded string argument.
  while (start < text.length && !/[0-9]/.test(text[start]!)) start++;
  let end = start;
  while (end < text.length && text[end] !== '"' && text[end] !== '\\') end++;
  const value = text.slice(start, end);
  return /^\d+$/.test(value) ? Number(value) : Date.parse(value);
}

function event(text?: string): void {
  if (tally.counting) tally.event(text === undefined ? Number.NaN : sentAt(text));
}

// ───────────────────────── SSE ─────────────────────────

const SSE_EVENT = Buffer.from('event: analysis_result\n');

/** Counts SSE events in the body bytes, across read boundaries (the chunked framing never splits a frame). */
function sseBody(sampled: boolean): (chunk: Buffer) => void {
  if (sampled) {
    let text = '';
    return (chunk) => {
      text += chunk.toString('latin1');
      let at = 0;
      for (;;) {
        const start = text.indexOf('event: analysis_result\n', at);
        if (start < 0) {
          text = text.slice(Math.max(at, text.length - SSE_EVENT.length));
          return;
        }
        const end = text.indexOf('\n\n', start);
        if (end < 0) {
          text = text.slice(start);
          return;
        }
        event(text.slice(start, end));
        at = end + 2;
      }
    };
  }
  let tail: Buffer = Buffer.alloc(0);
  return (chunk) => {
    if (!tally.counting) {
      tail = Buffer.from(chunk.subarray(Math.max(0, chunk.length - SSE_EVENT.length + 1)));
      return;
    }
    // An event whose marker straddles the previous read and this one.
    if (tail.length > 0) {
      const seam = Buffer.concat([tail, chunk.subarray(0, SSE_EVENT.length - 1)]);
      const at = seam.indexOf(SSE_EVENT);
      if (at >= 0 && at < tail.length) tally.event();
    }
    let at = chunk.indexOf(SSE_EVENT);
    while (at >= 0) {
      tally.event();
      at = chunk.indexOf(SSE_EVENT, at + SSE_EVENT.length);
    }
    tail = Buffer.from(chunk.subarray(Math.max(0, chunk.length - SSE_EVENT.length + 1)));
  };
}

// ───────────────────────── WebSocket (ws, sio) ─────────────────────────

/** A client frame (masked, as clients must; the all-zero key leaves the payload as it is). */
function clientFrame(opcode: number, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | payload.length, 0, 0, 0, 0]), payload]);
}

/**
 * Reads server frames: counts each event message, answers pings (WebSocket and engine.io), and
 * collects payloads only where needed (sampled connections, control frames, Socket.IO's packet
 * type, which is its first two bytes).
 */
function wsBody(sampled: boolean, write: (b: Buffer) => void, onReady: () => void): (chunk: Buffer) => void {
  let carry: Buffer | undefined;
  let left = 0;
  let opcode = 0;
  let parts: Buffer[] | undefined;
  const peek: number[] = [];
  const endFrame = () => {
    const payload = parts ? Buffer.concat(parts) : undefined;
    parts = undefined;
    if (opcode === 0x9) return write(clientFrame(0xa, payload ?? Buffer.alloc(0)));
    if (opcode !== 0x1 && opcode !== 0x2) return;
    if (kind === 'sio') {
      const [a, b] = peek;
      if (a === 0x30) return write(clientFrame(0x1, Buffer.from('40'))); // open → connect "/"
      if (a === 0x32) return write(clientFrame(0x1, Buffer.from('3'))); // ping → pong
      if (a === 0x34 && b === 0x30) return onReady(); // connected to "/"
      if (a !== 0x34 || b !== 0x32) return; // not an event
    }
    event(sampled && payload ? payload.toString('latin1') : undefined);
  };
  return (chunk) => {
    let buf = chunk;
    if (carry) {
      buf = Buffer.concat([carry, chunk]);
      carry = undefined;
    }
    let pos = 0;
    while (pos < buf.length) {
      if (left > 0) {
        const take = Math.min(left, buf.length - pos);
        for (let k = 0; peek.length < 2 && k < take; k++) peek.push(buf[pos + k]!);
        if (parts) parts.push(Buffer.from(buf.subarray(pos, pos + take)));
        pos += take;
        left -= take;
        if (left === 0) endFrame();
        continue;
      }
      const available = buf.length - pos;
      if (available < 2) {
        carry = Buffer.from(buf.subarray(pos));
        return;
      }
      let length = buf[pos + 1]! & 0x7f;
      let header = 2;
      if (length === 126) {
        if (available < 4) {
          carry = Buffer.from(buf.subarray(pos));
          return;
        }
        length = buf.readUInt16BE(pos + 2);
        header = 4;
      } else if (length === 127) {
        if (available < 10) {
          carry = Buffer.from(buf.subarray(pos));
          return;
        }
        length = Number(buf.readBigUInt64BE(pos + 2));
        header = 10;
      }
      opcode = buf[pos]! & 0x0f;
      pos += header;
      left = length;
      peek.length = 0;
      parts = sampled || opcode >= 0x8 ? [] : undefined;
      if (length === 0) endFrame();
    }
  };
}

// ───────────────────────── connections ─────────────────────────

/**
 * One read buffer for every connection: Node reads into it (`onread`) instead of allocating a
 * Buffer for each read, which at a million events a second made the clients' garbage collector
 * the bench's noise. Each read is handled before the next is made, so sharing it is safe; whatever
 * a handler keeps past its call (a marker's tail, a frame split across reads) it copies.
 */
const READ_BUFFER = Buffer.allocUnsafe(256 * 1024);

function open(i: number): void {
  const target = new URL(url);
  const sampled = i % 20 === 0;
  const path =
    kind === 'sio' ? '/socket.io/?EIO=4&transport=websocket' : `${target.pathname}${target.search}`;
  const socket = connect({
    port: Number(target.port),
    host: target.hostname,
    onread: {
      buffer: READ_BUFFER,
      callback: (n, buf) => {
        onData(Buffer.from(buf.buffer, buf.byteOffset, n));
        return true; // keep reading
      },
    },
  });
  socket.setNoDelay(true);
  let settled = false;
  const settle = (ok: boolean) => {
    if (settled) return;
    settled = true;
    if (ok) tally.connected++;
    else tally.failed++;
  };
  socket.on('error', () => settle(false));
  socket.on('close', () => settle(false));
  const extra = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  const upgrade =
    kind === 'sse'
      ? 'Accept: text/event-stream\r\n'
      : `Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\n`;
  socket.write(`GET ${path} HTTP/1.1\r\nHost: ${target.host}\r\n${upgrade}${extra}\r\n`);

  let head: Buffer | undefined = Buffer.alloc(0);
  let body: ((chunk: Buffer) => void) | undefined;
  const onData = (chunk: Buffer) => {
    if (body) return body(chunk);
    head = Buffer.concat([head!, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) return;
    const status = head.subarray(0, head.indexOf('\r\n')).toString('latin1');
    const rest = head.subarray(end + 4);
    head = undefined;
    if (!status.startsWith(kind === 'sse' ? 'HTTP/1.1 200' : 'HTTP/1.1 101')) {
      settle(false);
      socket.destroy();
      return;
    }
    if (kind === 'sse') body = sseBody(sampled);
    else
      body = wsBody(
        sampled,
        (b) => socket.write(b),
        () => settle(true),
      );
    if (kind !== 'sio') settle(true);
    if (rest.length > 0) body(rest);
  };
}

await tally.openAll(clients, open);
await tally.serve();
