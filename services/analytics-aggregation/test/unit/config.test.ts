import { DEFAULT_PARTITIONS } from '@sightline/contracts';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { resolveOwnership } from '../../src/domain/partitions.js';

describe('config', () => {
  it('defaults to port 8084, owner all, every partition', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(8084);
    expect(config.owner).toBe('all');
    expect(config.partitions).toEqual(Array.from({ length: DEFAULT_PARTITIONS }, (_, i) => i));
    expect(config.nodeNum).toBe(0);
    expect(config.eventImages).toEqual({ maxSide: 320, concurrency: 2, timeoutMs: 2000 });
  });

  it('takes an explicit partition list and names the owner after it', () => {
    const config = loadConfig({ ANALYTICS_PARTITIONS: '3, 1,1' });
    expect(config.partitions).toEqual([1, 3]);
    expect(config.owner).toBe('p1-3');
  });

  it('derives partitions from a StatefulSet ordinal', () => {
    const config = loadConfig({ ANALYTICS_ORDINAL: '1', ANALYTICS_REPLICAS: '3' });
    expect(config.partitions).toEqual([1, 4, 7]);
    expect(config.nodeNum).toBe(1);
  });

  it('fails naming the variable', () => {
    expect(() => loadConfig({ ANALYTICS_PARTITIONS: '0,x' })).toThrow(/ANALYTICS_PARTITIONS/);
    expect(() => loadConfig({ ANALYTICS_PARTITIONS: '99' })).toThrow(/ANALYTICS_PARTITIONS: partition 99/);
    expect(() => loadConfig({ ANALYTICS_ORDINAL: '2' })).toThrow(/ANALYTICS_REPLICAS/);
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(/PORT/);
  });

  it('gives every partition to exactly one of the replicas', () => {
    const owned = [0, 1, 2].flatMap((ordinal) => resolveOwnership({ ordinal, replicas: 3 }).partitions);
    expect(owned.sort((a, b) => a - b)).toEqual(Array.from({ length: DEFAULT_PARTITIONS }, (_, i) => i));
  });
});
