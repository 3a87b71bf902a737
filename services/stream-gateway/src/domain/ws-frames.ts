/**
 * WebSocket framing (RFC 6455 §5.2) of what a server sends: each message one final, unmasked text
 * frame, exactly what `ws`'s `send(text)` writes without permessage-deflate.
 */
function headerLength(payload: number): number {
  return payload < 126 ? 2 : payload < 65_536 ? 4 : 10;
}

/** The text frames of `payloads`, one message each, in order, in one buffer. */
export function textFrames(payloads: readonly Buffer[]): Buffer {
  let total = 0;
  for (const p of payloads) total += headerLength(p.length) + p.length;
  const out = Buffer.allocUnsafe(total);
  let at = 0;
  for (const p of payloads) {
    out[at++] = 0x81; // FIN + text
    if (p.length < 126) {
      out[at++] = p.length;
    } else if (p.length < 65_536) {
      out[at++] = 126;
      out.writeUInt16BE(p.length, at);
      at += 2;
    } else {
      out[at++] = 127;
      out.writeBigUInt64BE(BigInt(p.length), at);
      at += 8;
    }
    at += p.copy(out, at);
  }
  return out;
}
