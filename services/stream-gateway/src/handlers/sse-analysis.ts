import { type ControlPlane, type Principal, requireDevice } from '@sightline/auth';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AnalysisScope, AnalysisStreams } from '../adapters/analysis-streams.js';
import type { Principals } from '../adapters/principals.js';
import { resumePosition } from '../domain/event-id.js';
import { parseFilter } from '../domain/filters.js';

export interface SseAnalysisDeps {
  control: ControlPlane;
  principals: Principals;
  streams: AnalysisStreams;
}

type StreamQuery = Record<string, string | undefined>;

/**
 * Seed 000: `GET /api/v1/devices/:id/analysis/stream` and `GET /api/v1/devices/analysis/stream/all`.
 * Everything that can fail (auth, device, filter, resume id, user limit) fails before the stream
 * opens, as a JSON error; after that the client only ever sees SSE.
 */
export async function sseAnalysisRoutes(app: FastifyInstance, deps: SseAnalysisDeps): Promise<void> {
  const open = async (
    request: FastifyRequest,
    reply: FastifyReply,
    scopeOf: (principal: Principal) => Promise<AnalysisScope>,
  ) => {
    const principal = await deps.principals.ofRequest(request);
    const scope = await scopeOf(principal);
    const query = (request.query ?? {}) as StreamQuery;
    const streamKey = scope.kind === 'device' ? scope.deviceId : principal.tenantId;
    const resumeAfter = resumePosition(request.headers['last-event-id'], query.lastEventId, streamKey);
    const filter = parseFilter(query);
    await deps.streams.openStream({ principal, scope, resumeAfter, filter, reply });
    return reply;
  };

  app.get<{ Params: { id: string } }>('/api/v1/devices/:id/analysis/stream', (request, reply) =>
    open(request, reply, async (principal) => {
      const device = await requireDevice(deps.control, principal, request.params.id);
      return { kind: 'device', deviceId: device.deviceId };
    }),
  );

  app.get('/api/v1/devices/analysis/stream/all', (request, reply) =>
    open(request, reply, async () => ({ kind: 'all' })),
  );
}
