import { DEFAULT_PARTITIONS } from '@sightline/contracts';

export interface OwnershipInput {
  owner?: string;
  /** "0,1,2" */
  partitionsList?: string;
  ordinal?: number;
  replicas?: number;
  partitionCount?: number;
}

export interface Ownership {
  /** Durable consumer suffix: replicas owning different partitions must never share it. */
  owner: string;
  partitions: number[];
}

/**
 * Which partitions this replica owns: an explicit list wins, else the StatefulSet ordinal
 * (partition p belongs to ordinal p % replicas), else all of them.
 */
export function resolveOwnership(input: OwnershipInput): Ownership {
  const count = input.partitionCount ?? DEFAULT_PARTITIONS;
  const all = Array.from({ length: count }, (_, p) => p);
  let partitions: number[];
  if (input.partitionsList !== undefined) {
    partitions = [...new Set(input.partitionsList.split(',').map((s) => Number(s.trim())))].sort(
      (a, b) => a - b,
    );
    const bad = partitions.find((p) => !Number.isInteger(p) || p < 0 || p >= count);
    if (bad !== undefined)
      throw new Error(`ANALYTICS_PARTITIONS: partition ${bad} is outside 0..${count - 1}`);
  } else if (input.ordinal !== undefined || input.replicas !== undefined) {
    if (input.ordinal === undefined || input.replicas === undefined) {
      throw new Error('ANALYTICS_ORDINAL and ANALYTICS_REPLICAS must be set together');
    }
    if (input.ordinal >= input.replicas)
      throw new Error('ANALYTICS_ORDINAL must be below ANALYTICS_REPLICAS');
    partitions = all.filter((p) => p % input.replicas! === input.ordinal);
  } else {
    partitions = all;
  }
  if (partitions.length === 0) throw new Error('this replica would own no partition');
  const owner = input.owner ?? (partitions.length === count ? 'all' : `p${partitions.join('-')}`);
  return { owner, partitions };
}
