import {
  type AnalyticsQuery,
  AnalyticsQueryReply,
  compile,
  type DeviceCountsNow,
  Rollup,
  subjects,
} from '@sightline/contracts';
import type { NatsConnection } from '@sightline/nats';
import type { AnalyticsPort } from '../domain/ports.js';

const replyValidator = compile(AnalyticsQueryReply);
const rollupValidator = compile(Rollup);

/** Analytics is unreachable or refused the query; the turn ends with the error event. */
export class AnalyticsUnavailableError extends Error {
  override name = 'AnalyticsUnavailableError';
}

/**
 * The only place chat-llm asks analytics-aggregation for metrics: NATS request/reply on
 * `subjects.analyticsQuery`, `AnalyticsQuery` → `AnalyticsQueryReply`, both validated.
 */
export class NatsAnalyticsClient implements AnalyticsPort {
  constructor(
    private readonly nc: NatsConnection,
    private readonly timeoutMs: number,
  ) {}

  async countsNow(
    tenantId: string,
    deviceIds: string[] | undefined,
    signal?: AbortSignal,
  ): Promise<DeviceCountsNow[]> {
    const reply = await this.ask(
      { tenantId, metric: 'counts_now', ...(deviceIds ? { deviceIds } : {}) },
      signal,
    );
    return reply.devices ?? [];
  }

  async rollups(
    tenantId: string,
    deviceIds: string[] | undefined,
    from: number,
    to: number,
    signal?: AbortSignal,
  ) {
    const reply = await this.ask(
      { tenantId, metric: 'rollups', from, to, ...(deviceIds ? { deviceIds } : {}) },
      signal,
    );
    // One malformed rollup must not sink the answer, nor leak another tenant's row.
    return (reply.rollups ?? []).filter(
      (r): r is Rollup => rollupValidator.check(r) && r.tenantId === tenantId,
    );
  }

  private async ask(query: AnalyticsQuery, signal?: AbortSignal): Promise<AnalyticsQueryReply> {
    signal?.throwIfAborted();
    let msg: Awaited<ReturnType<NatsConnection['request']>>;
    try {
      msg = await this.nc.request(subjects.analyticsQuery, JSON.stringify(query), {
        timeout: this.timeoutMs,
      });
    } catch (err) {
      throw new AnalyticsUnavailableError(`analytics service did not answer (${(err as Error).message})`);
    }
    let body: unknown;
    try {
      body = msg.json();
    } catch {
      throw new AnalyticsUnavailableError('analytics service sent a reply that is not JSON');
    }
    if (!replyValidator.check(body)) {
      throw new AnalyticsUnavailableError(
        `analytics reply breaks the contract: ${replyValidator.errors(body).join('; ')}`,
      );
    }
    if (!body.ok)
      throw new AnalyticsUnavailableError(`analytics refused the query: ${body.error ?? 'no reason given'}`);
    return body;
  }
}
