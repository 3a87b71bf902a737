import { describe, expect, it } from 'vitest';
import { numbersIn, ungroundedNumbers } from '../../src/domain/grounding.js';
import { chunkText, sseLine } from '../../src/domain/sse.js';
import { timeFormatter } from '../../src/domain/time-format.js';

describe('grounding check', () => {
  const calls = [
    {
      name: 'counts_now',
      args: {},
      result: { people: 5, dataTime: '2026-11-22 06:05:09 UTC', waitP90Minutes: 2.5 },
    },
  ];

  it('accepts an answer whose numbers all come from tool results', () => {
    expect(
      ungroundedNumbers('There are 5 people (data from 2026-11-22 06:05:09 UTC), wait 2.5 min.', calls),
    ).toEqual([]);
  });

  it('flags invented numbers, and does not count key names as numbers', () => {
    expect(ungroundedNumbers('There are 7 people, 90% wait under 2.5 min.', calls)).toEqual(['7', '90']);
  });

  it('normalises leading zeros', () => {
    expect([...numbersIn('at 06:05')]).toEqual(['6', '5']);
  });
});

describe('stream encoding', () => {
  it('writes one seed 002 data line per event', () => {
    expect(sseLine({ type: 'chunk', text: 'a\nb' })).toBe('data: {"type":"chunk","text":"a\\nb"}\n\n');
    expect(sseLine({ type: 'done' })).toBe('data: {"type":"done"}\n\n');
    expect(sseLine({ type: 'error', message: 'x' })).toBe('data: {"type":"error","message":"x"}\n\n');
  });

  it('splits answers into several chunks that join back exactly, never inside a number', () => {
    const en = 'Right now there are 12 people in front of Lobby camera (data from 2026-11-22 06:05:09 UTC).';
    const zh = '現在大門前有5人（資料時間：2026-11-22 06:05:09 UTC）。';
    for (const text of [en, zh]) {
      const chunks = chunkText(text);
      expect(chunks.length).toBeGreaterThan(2);
      expect(chunks.join('')).toBe(text);
    }
    // A number or date is never cut in two: each appears whole inside one chunk.
    for (const token of ['12', '2026-11-22', '06:05:09'])
      expect(chunkText(en).some((c) => c.includes(token))).toBe(true);
    expect(chunkText(zh).some((c) => c.includes('2026-11-22'))).toBe(true);
  });
});

describe('time formatting', () => {
  it('states instants and hours in the display zone', () => {
    const taipei = timeFormatter('Asia/Taipei');
    const at = Date.parse('2026-11-22T06:05:09.250Z');
    expect(taipei.instant(at)).toBe('2026-11-22 14:05:09 GMT+8');
    expect(taipei.hourMinute(taipei.hourStart(at))).toBe('14:00');
    expect(new Date(taipei.dayStart(at)).toISOString()).toBe('2026-11-21T16:00:00.000Z');
    expect(timeFormatter('UTC').instant(at)).toBe('2026-11-22 06:05:09 UTC');
  });
});
