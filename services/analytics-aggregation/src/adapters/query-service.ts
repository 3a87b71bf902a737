import { Svcm } from '@nats-io/services';
import { subjects } from '@sightline/contracts';
import type { NatsConnection } from '@sightline/nats';
import type { Logger } from '@sightline/service-kit';
import { answerQuery, type QuerySources } from '../handlers/query.js';
import type { Metrics } from '../metrics.js';

/**
 * The query endpoint as a NATS micro service (discovery, stats via `$SRV.*`). It runs in the
 * micro framework's default queue group: any replica can answer any query, because answers
 * are read from the ANALYSIS and ROLLUPS streams and the heatmaps bucket, not from a replica's
 * memory.
 */
export async function startQueryService(
  nc: NatsConnection,
  sources: QuerySources,
  metrics: Metrics,
  logger: Logger,
  version: string,
) {
  // @nats-io/services 3.0.0-25 is typed against an older nats-core; the connection is the same at runtime.
  const service = await new Svcm(nc as unknown as ConstructorParameters<typeof Svcm>[0]).add({
    name: 'sightline-analytics',
    version,
    description: 'Metric queries: latest counts per device, per-minute rollups, heatmaps',
  });
  service.addEndpoint('query', {
    subject: subjects.analyticsQuery,
    handler: (err, msg) => {
      if (err) {
        logger.error({ err }, 'query endpoint error');
        return;
      }
      answerQuery(msg.data, sources, metrics)
        .catch((e: unknown) => {
          logger.error({ err: e }, 'query failed');
          return { ok: false, error: 'query failed' };
        })
        .then((reply) => msg.respond(JSON.stringify(reply)));
    },
  });
  return service;
}
