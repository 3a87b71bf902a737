import { describe, expect, it } from 'vitest';
import { SseDataParser } from '../../src/adapters/openai/sse-parser.js';
import { parseArguments, ToolCallAccumulator } from '../../src/adapters/openai/tool-calls.js';

const encoder = new TextEncoder();
const stream =
  ': keep-alive\n\n' +
  'data: {"choices":[{"delta":{"content":"現在有"}}]}\n\n' +
  'data: {"choices":[{"delta":{"content":" 5 人"}}]}\r\n\r\n' +
  'event: ignored\ndata: {"a":\ndata: 1}\n\n' +
  'data: [DONE]\n\n';
const expected = [
  '{"choices":[{"delta":{"content":"現在有"}}]}',
  '{"choices":[{"delta":{"content":" 5 人"}}]}',
  '{"a":\n1}',
  '[DONE]',
];

function parseInPieces(bytes: Uint8Array, cuts: number[]): string[] {
  const parser = new SseDataParser();
  const out: string[] = [];
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    out.push(...parser.push(bytes.slice(start, cut)));
    start = cut;
  }
  return [...out, ...parser.end()];
}

describe('SSE data parser', () => {
  const bytes = encoder.encode(stream);

  it('parses a whole stream', () => {
    expect(parseInPieces(bytes, [])).toEqual(expected);
  });

  it('gives the same events however the bytes are split (incl. inside UTF-8 characters and CRLF)', () => {
    for (let a = 1; a < bytes.length; a++) expect(parseInPieces(bytes, [a])).toEqual(expected);
    for (let a = 1; a < bytes.length; a += 7) {
      for (let b = a + 1; b < bytes.length; b += 5) expect(parseInPieces(bytes, [a, b])).toEqual(expected);
    }
  });

  it('flushes a last event without a blank line', () => {
    expect(parseInPieces(encoder.encode('data: [DONE]'), [])).toEqual(['[DONE]']);
  });
});

describe('tool call deltas', () => {
  it('reassembles calls by index from their fragments', () => {
    const acc = new ToolCallAccumulator();
    acc.add([{ index: 0, id: 'call_a', type: 'function', function: { name: 'counts_now', arguments: '' } }]);
    acc.add([{ index: 1, id: 'call_b', function: { name: 'queue_status', arguments: '{"device' } }]);
    acc.add([{ index: 0, function: { arguments: '{"deviceIds":' } }]);
    acc.add([
      { index: 0, function: { arguments: '["cam-1"]}' } },
      { index: 1, function: { arguments: 'Ids":[]}' } },
    ]);
    expect(acc.result(0)).toEqual([
      { id: 'call_a', name: 'counts_now', arguments: '{"deviceIds":["cam-1"]}' },
      { id: 'call_b', name: 'queue_status', arguments: '{"deviceIds":[]}' },
    ]);
  });

  it('tolerates a missing index or id and a repeated name', () => {
    const acc = new ToolCallAccumulator();
    acc.add([{ function: { name: 'busiest_hour', arguments: '{}' } }]);
    acc.add([{ function: { name: 'busiest_hour' } }]);
    expect(acc.result(3)).toEqual([{ id: 'call_3_0', name: 'busiest_hour', arguments: '{}' }]);
  });

  it('parses arguments, turning bad JSON into an error for the model', () => {
    expect(parseArguments('')).toEqual({ args: {} });
    expect(parseArguments('{"lastMinutes":30}')).toEqual({ args: { lastMinutes: 30 } });
    expect(parseArguments('{"lastMinutes":')).toHaveProperty('error');
    expect(parseArguments('[1]')).toHaveProperty('error');
  });
});
