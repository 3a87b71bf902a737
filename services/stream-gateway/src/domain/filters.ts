import { type AnalysisResult, ApiError } from '@sightline/contracts';

/** `?types=person,car&minConfidence=0.5&zones=entrance`: which detections a client wants. */
export interface DetectionFilter {
  types?: ReadonlySet<string>;
  minConfidence?: number;
  zones?: ReadonlySet<string>;
  /** Stable text of the filter: clients with equal keys share one serialised event. */
  key: string;
}

export const noFilter: DetectionFilter = { key: '' };

function list(value: unknown, what: string): ReadonlySet<string> | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw new ApiError('bad_request', `${what} must be a comma-separated list`);
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length === 0 || items.length > 64 || items.some((s) => s.length > 64)) {
    throw new ApiError('bad_request', `${what} must list 1 to 64 names of at most 64 characters`);
  }
  return new Set(items.sort());
}

export function parseFilter(query: Record<string, unknown>): DetectionFilter {
  const types = list(query.types, 'types');
  const zones = list(query.zones, 'zones');
  let minConfidence: number | undefined;
  if (query.minConfidence !== undefined && query.minConfidence !== '') {
    minConfidence = Number(query.minConfidence);
    if (!Number.isFinite(minConfidence) || minConfidence < 0 || minConfidence > 1) {
      throw new ApiError('bad_request', 'minConfidence must be a number from 0 to 1');
    }
  }
  if (!types && !zones && minConfidence === undefined) return noFilter;
  const key = `t=${[...(types ?? [])].join(',')};c=${minConfidence ?? ''};z=${[...(zones ?? [])].join(',')}`;
  return { types, zones, minConfidence, key };
}

/**
 * The event with only the detections the filter keeps, or undefined when none is left: a filtered
 * stream carries only events that have something the client asked for.
 */
export function applyFilter(result: AnalysisResult, filter: DetectionFilter): AnalysisResult | undefined {
  if (filter === noFilter || filter.key === '') return result;
  const detections = result.detections.filter(
    (d) =>
      (!filter.types || filter.types.has(d.type)) &&
      (filter.minConfidence === undefined || d.confidence >= filter.minConfidence) &&
      (!filter.zones || (d.zones ?? []).some((z) => filter.zones!.has(z))),
  );
  return detections.length === 0 ? undefined : { ...result, detections };
}
