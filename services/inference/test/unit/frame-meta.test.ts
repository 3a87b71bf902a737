import { frameHeaders } from '@sightline/contracts';
import { describe, expect, it } from 'vitest';
import { readFrameMeta } from '../../src/domain/frame-meta.js';

const headersOf = (values: Record<string, string>) => ({ get: (name: string) => values[name] ?? '' });

const valid = {
  [frameHeaders.frameId]: 'f-1',
  [frameHeaders.tenantId]: 'acme',
  [frameHeaders.deviceId]: 'cam-1',
  [frameHeaders.capturedAt]: '1700000000000',
  [frameHeaders.acceptedAt]: '1700000000050',
  [frameHeaders.source]: 'http',
};

describe('readFrameMeta', () => {
  it('reads the fields ingest writes, numbers converted', () => {
    const read = readFrameMeta(headersOf({ ...valid, [frameHeaders.width]: '768' }));
    expect(read).toEqual({
      meta: {
        frameId: 'f-1',
        tenantId: 'acme',
        deviceId: 'cam-1',
        capturedAt: 1_700_000_000_000,
        acceptedAt: 1_700_000_000_050,
        source: 'http',
        width: 768,
      },
    });
  });

  it('names the problem when a field is missing or malformed', () => {
    const { [frameHeaders.deviceId]: _, ...noDevice } = valid;
    expect(readFrameMeta(headersOf(noDevice))).toEqual({ problem: expect.stringContaining('deviceId') });
    expect(readFrameMeta(headersOf({ ...valid, [frameHeaders.capturedAt]: 'soon' }))).toHaveProperty(
      'problem',
    );
    expect(readFrameMeta(headersOf({ ...valid, [frameHeaders.source]: 'carrier-pigeon' }))).toHaveProperty(
      'problem',
    );
    expect(readFrameMeta(undefined)).toEqual({ problem: 'no headers' });
  });
});
