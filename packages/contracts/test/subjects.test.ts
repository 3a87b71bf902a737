import { describe, expect, it } from 'vitest';
import { analyticEventId, parseDeviceSubject, partitionOf, subjects } from '../src/index.js';

describe('subjects', () => {
  it('builds tenant-scoped subjects', () => {
    expect(subjects.frames('t1', 'd1')).toBe('frames.t1.d1');
    expect(subjects.detections(3, 't1', 'd1')).toBe('detections.3.t1.d1');
    expect(subjects.analysisOfTenant('t1')).toBe('analysis.t1.*');
  });

  it('refuses tokens that would widen a subscription', () => {
    expect(() => subjects.frames('t1', '>')).toThrow(/not a valid subject token/);
    expect(() => subjects.analysis('t.1', 'd')).toThrow();
  });

  it('parses subjects back', () => {
    expect(parseDeviceSubject('detections.3.t1.d1')).toEqual({ tenantId: 't1', deviceId: 'd1' });
    expect(parseDeviceSubject('analysis.t1.d1')).toEqual({ tenantId: 't1', deviceId: 'd1' });
  });

  it('partitions devices stably and evenly', () => {
    expect(partitionOf('device-a')).toBe(partitionOf('device-a'));
    const counts = new Array(8).fill(0);
    for (let i = 0; i < 8000; i++) counts[partitionOf(`dev-${i}`)]++;
    for (const c of counts) expect(c).toBeGreaterThan(800);
  });

  it('makes seed 004 event ids: timestamp then 8 hex chars', () => {
    expect(analyticEventId(1738000000.7, 'a', 'b')).toMatch(/^1738000000[0-9a-f]{8}$/);
  });
});
