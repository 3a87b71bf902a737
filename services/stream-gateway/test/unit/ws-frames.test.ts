import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { textFrames } from '../../src/domain/ws-frames.js';

// `ws`'s own framing and parsing, which @types/ws does not declare.
const ws = createRequire(import.meta.url)('ws') as {
  Sender: { frame(data: Buffer, o: object): Buffer[] };
  Receiver: new (
    o: object,
  ) => NodeJS.WritableStream & {
    on(e: 'message', f: (data: Buffer, isBinary: boolean) => void): void;
  };
};

const sizes = [0, 1, 125, 126, 1000, 65_535, 65_536, 200_000];
const payloads = sizes.map((n, i) => Buffer.from(String.fromCharCode(97 + i).repeat(n)));

describe('WebSocket text frames of /ws/events', () => {
  it('are byte for byte what ws sends for each message (every length encoding)', () => {
    const expected = Buffer.concat(
      payloads.flatMap((p) =>
        ws.Sender.frame(p, { fin: true, opcode: 1, mask: false, readOnly: false, rsv1: false }),
      ),
    );
    expect(textFrames(payloads).equals(expected)).toBe(true);
  });

  it('parse back as one text message per payload, in order', () => {
    const receiver = new ws.Receiver({ isServer: false, maxPayload: 0 });
    const got: string[] = [];
    receiver.on('message', (data, isBinary) => {
      expect(isBinary).toBe(false);
      got.push(String(data));
    });
    const bytes = textFrames(payloads);
    // Fed in odd-sized pieces, as TCP may deliver them.
    for (let at = 0; at < bytes.length; at += 7777) receiver.write(bytes.subarray(at, at + 7777));
    expect(got).toEqual(payloads.map(String));
  });

  it('are empty for no payloads', () => {
    expect(textFrames([]).length).toBe(0);
  });
});
