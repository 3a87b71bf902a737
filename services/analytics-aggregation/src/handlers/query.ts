import { AnalyticsQuery, type AnalyticsQueryReply, compile } from '@sightline/contracts';
import type { QueryReader } from '../adapters/query-reader.js';
import type { Metrics } from '../metrics.js';

const validator = compile(AnalyticsQuery);
const HOUR = 3_600_000;
const decoder = new TextDecoder();

/**
 * Answers one AnalyticsQuery. Every answer is about the asking tenant only: the subjects read
 * are built from `tenantId`, so another tenant's device simply has no data.
 */
export async function answerQuery(
  data: Uint8Array,
  reader: QueryReader,
  metrics: Metrics,
  now = Date.now(),
): Promise<AnalyticsQueryReply> {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(data));
  } catch {
    metrics.queries.inc({ metric: 'unknown', result: 'malformed' });
    return { ok: false, error: 'query is not JSON' };
  }
  if (!validator.check(value)) {
    metrics.queries.inc({ metric: 'unknown', result: 'invalid' });
    return { ok: false, error: `invalid query: ${validator.errors(value).join('; ')}` };
  }
  const q = value;
  if (q.metric === 'counts_now') {
    const devices = await reader.countsNow(q.tenantId, q.deviceIds);
    metrics.queries.inc({ metric: q.metric, result: 'ok' });
    return { ok: true, devices };
  }
  const to = q.to ?? now;
  const from = q.from ?? to - HOUR;
  if (from > to) {
    metrics.queries.inc({ metric: q.metric, result: 'invalid' });
    return { ok: false, error: 'from is after to' };
  }
  const rollups = await reader.rollups(q.tenantId, from, to, q.deviceIds);
  metrics.queries.inc({ metric: q.metric, result: 'ok' });
  return { ok: true, rollups };
}
