import {
  type AnalyticsQuery,
  type AnalyticsQueryReply,
  ApiError,
  compile,
  AnalyticsQueryReply as ReplySchema,
  subjects,
} from '@sightline/contracts';
import type { NatsConnection } from '@sightline/nats';

const validReply = compile(ReplySchema);

/**
 * Request/reply to analytics-aggregation. No responder or no answer in time is a 503 the
 * client can retry; an answer that breaks the contract or says `ok: false` is a 503 too,
 * because the caller's request was valid.
 */
export async function queryAnalytics(
  nc: NatsConnection,
  query: AnalyticsQuery,
  timeoutMs: number,
): Promise<AnalyticsQueryReply> {
  let data: unknown;
  try {
    const msg = await nc.request(subjects.analyticsQuery, JSON.stringify(query), { timeout: timeoutMs });
    data = msg.json();
  } catch (err) {
    const noResponders = /no responders|503/i.test(String((err as Error)?.message ?? err));
    throw new ApiError(
      'unavailable',
      noResponders
        ? 'analytics service is not running; retry later'
        : 'analytics service did not answer in time',
      { 'retry-after': '5' },
    );
  }
  if (!validReply.check(data)) throw new ApiError('unavailable', 'analytics service sent an invalid answer');
  if (!data.ok) throw new ApiError('unavailable', `analytics query failed: ${data.error ?? 'unknown error'}`);
  return data;
}
