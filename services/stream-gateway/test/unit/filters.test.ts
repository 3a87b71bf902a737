import type { AnalysisResult } from '@sightline/contracts';
import { describe, expect, it } from 'vitest';
import { type AnalysisEvent, frameFor } from '../../src/domain/analysis-event.js';
import { applyFilter, noFilter, parseFilter } from '../../src/domain/filters.js';

const result: AnalysisResult = {
  deviceId: 'cam-1',
  analysisId: 'a-1',
  sceneId: 'cam-1',
  timestamp: '2026-01-29T10:00:00Z',
  detections: [
    { type: 'person', confidence: 0.9, zones: ['entrance'] },
    { type: 'person', confidence: 0.3 },
    { type: 'car', confidence: 0.8, zones: ['parking'] },
    { type: 'dog', confidence: 0.95 },
  ],
};

describe('detection filters', () => {
  it('keeps detections matching every given filter', () => {
    const f = parseFilter({ types: 'person,car', minConfidence: '0.5' });
    expect(applyFilter(result, f)?.detections.map((d) => d.type)).toEqual(['person', 'car']);
    const z = parseFilter({ zones: 'parking' });
    expect(applyFilter(result, z)?.detections).toEqual([
      { type: 'car', confidence: 0.8, zones: ['parking'] },
    ]);
  });

  it('drops an event with nothing left and passes everything without a filter', () => {
    expect(applyFilter(result, parseFilter({ types: 'bicycle' }))).toBeUndefined();
    expect(applyFilter(result, parseFilter({}))).toBe(result);
  });

  it('gives equal filters one key whatever the order', () => {
    expect(parseFilter({ types: 'car,person' }).key).toBe(parseFilter({ types: 'person, car' }).key);
    expect(parseFilter({}).key).toBe(noFilter.key);
  });

  it('rejects bad values', () => {
    expect(() => parseFilter({ minConfidence: '2' })).toThrow(/minConfidence/);
    expect(() => parseFilter({ minConfidence: 'x' })).toThrow(/minConfidence/);
    expect(() => parseFilter({ types: ',' })).toThrow(/types/);
  });

  it('frames an event once per filter', () => {
    const event: AnalysisEvent = { seq: 5, storedAtMs: 0, result, id: 'cam-1-5', frames: new Map() };
    const f = parseFilter({ types: 'dog' });
    const first = frameFor(event, f);
    expect(frameFor(event, f)).toBe(first);
    expect(first?.toString('utf8')).toBe(
      `event: analysis_result\nid: cam-1-5\ndata: ${JSON.stringify({ ...result, detections: [{ type: 'dog', confidence: 0.95 }] })}\n\n`,
    );
    expect(frameFor(event, parseFilter({ types: 'bicycle' }))).toBeNull();
    expect(event.frames.size).toBe(2);
  });
});
