import { describe, expect, it } from 'vitest';
import { formatEventId, parseEventId, resumePosition } from '../../src/domain/event-id.js';

describe('event ids', () => {
  it('round-trips ids whose stream key itself contains dashes', () => {
    const key = '3f1c2b9e-7a4d-4c1e-9b2a-1d2e3f4a5b6c';
    expect(parseEventId(formatEventId(key, 42))).toEqual({ streamKey: key, seq: 42 });
  });

  it('reads the header first, then the query parameter', () => {
    expect(resumePosition('cam-1-7', 'cam-1-9', 'cam-1')).toBe(7);
    expect(resumePosition(undefined, 'cam-1-9', 'cam-1')).toBe(9);
    expect(resumePosition(undefined, undefined, 'cam-1')).toBeUndefined();
    expect(resumePosition('', undefined, 'cam-1')).toBeUndefined();
  });

  it('rejects ids of another stream and malformed ids', () => {
    expect(() => resumePosition('cam-2-7', undefined, 'cam-1')).toThrow(/another stream/);
    expect(() => resumePosition('cam-1', undefined, 'cam-1')).toThrow(/Last-Event-ID/);
    expect(() => resumePosition('cam-1-1e9', undefined, 'cam-1')).toThrow(/Last-Event-ID/);
    expect(() => resumePosition('cam-1-99999999999999999', undefined, 'cam-1')).toThrow(/Last-Event-ID/);
  });
});
