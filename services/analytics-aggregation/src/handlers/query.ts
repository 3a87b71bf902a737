import { AnalyticsQuery, type AnalyticsQueryReply, compile } from '@sightline/contracts';
import type { HeatmapStore } from '../adapters/heatmap-store.js';
import type { QueryReader } from '../adapters/query-reader.js';
import type { Metrics } from '../metrics.js';

const validator = compile(AnalyticsQuery);
const HOUR = 3_600_000;
const decoder = new TextDecoder();

/** Where answers come from: the streams and the heatmaps bucket, never a replica's memory. */
export interface QuerySources {
  reader: QueryReader;
  heatmaps: HeatmapStore;
}

/**
 * Answers one AnalyticsQuery. Every answer is about the asking tenant only: the subjects and
 * keys read are built from `tenantId`, so another tenant's device simply has no data.
 */
export async function answerQuery(
  data: Uint8Array,
  sources: QuerySources,
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
  const reply = await answerValid(value, sources, now);
  metrics.queries.inc({ metric: value.metric, result: reply.ok ? 'ok' : 'invalid' });
  return reply;
}

async function answerValid(
  q: AnalyticsQuery,
  sources: QuerySources,
  now: number,
): Promise<AnalyticsQueryReply> {
  const { reader, heatmaps } = sources;
  if (q.metric === 'counts_now')
    return { ok: true, devices: await reader.countsNow(q.tenantId, q.deviceIds) };
  if (q.metric === 'heatmap') {
    // The latest grid of each device over its scene's window; `from`/`to` do not apply.
    const ids = q.deviceIds ?? (await reader.devicesOf(q.tenantId));
    return { ok: true, heatmaps: await heatmaps.read(q.tenantId, ids) };
  }
  const to = q.to ?? now;
  const from = q.from ?? to - HOUR;
  if (from > to) return { ok: false, error: 'from is after to' };
  // Nothing is older than the epoch; a start beyond what a Date holds cannot become a start time.
  const start = Math.max(0, from);
  if (Number.isNaN(new Date(start).getTime())) return { ok: false, error: 'from is out of range' };
  return { ok: true, rollups: await reader.rollups(q.tenantId, start, to, q.deviceIds) };
}
