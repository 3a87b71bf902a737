import type { ControlPlane } from '@sightline/auth';
import { streams, subjects } from '@sightline/contracts';
import type { JetStreamClient } from '@sightline/nats';
import type { Logger } from '@sightline/service-kit';
import type { FastifyInstance } from 'fastify';
import type { HubRegistry } from '../adapters/hub-registry.js';
import { type HubSubscriber, JsHub } from '../adapters/js-hub.js';
import type { StreamPositions } from '../adapters/stream-positions.js';
import { writeCoalescer } from '../adapters/write-coalescer.js';
import type { wsAuth } from '../adapters/ws-auth.js';
import { refuse, type WsSockets } from '../adapters/ws-sockets.js';
import type { GatewayConfig } from '../config.js';
import {
  analyticEventDecoder,
  bytesOf,
  matchesEventFilter,
  type OutgoingAnalyticEvent,
} from '../domain/analytic-event.js';
import { closeCodes } from '../domain/ws-close.js';
import { textFrames } from '../domain/ws-frames.js';
import type { GatewayMetrics } from '../metrics.js';
import { whenClosed } from './when-closed.js';

export interface WsEventsDeps {
  control: ControlPlane;
  auth: ReturnType<typeof wsAuth>;
  js: JetStreamClient;
  positions: StreamPositions;
  hubs: HubRegistry<JsHub<OutgoingAnalyticEvent>>;
  sockets: WsSockets;
  metrics: GatewayMetrics;
  config: GatewayConfig;
  logger: Logger;
}

type EventsQuery = { analytic_id?: string; stream_id?: string };

/**
 * Seed 004: WS `/ws/events?analytic_id=&stream_id=` sends the tenant's analytic events from
 * EVENTS as they are stored (one shared consumer per tenant). A socket whose unsent backlog
 * passes SSE_MAX_BUFFERED_BYTES is closed with 4000 rather than silently losing events.
 */
export async function wsEventsRoutes(app: FastifyInstance, deps: WsEventsDeps): Promise<void> {
  app.get<{ Querystring: EventsQuery }>(
    '/ws/events',
    { websocket: true, preValidation: deps.auth.preValidation },
    async (socket, request) => {
      deps.sockets.track(socket, 'ws_events');
      const principal = await deps.auth.principalOf(socket, request);
      if (!principal) return;
      const filter = {
        analyticId: request.query.analytic_id || undefined,
        streamId: request.query.stream_id || undefined,
      };
      if (filter.streamId && !(await deps.control.getDevice(principal.tenantId, filter.streamId))) {
        return refuse(socket, closeCodes.notFound, `stream ${filter.streamId} not found`);
      }
      const subject = subjects.eventsOfTenant(principal.tenantId);
      const hub = await deps.hubs.acquire(subject, () => createEventsHub(deps, subject));
      const raw = request.raw.socket;
      const filterKey = `${filter.analyticId ?? ''}\n${filter.streamId ?? ''}`;
      const subscriber: HubSubscriber<OutgoingAnalyticEvent> = {
        onBatch: (batch) => {
          if (socket.readyState !== socket.OPEN) return;
          if (socket.bufferedAmount > deps.config.SSE_MAX_BUFFERED_BYTES) {
            deps.metrics.slowClients.inc({ transport: 'ws_events', action: 'disconnect' });
            socket.close(closeCodes.slowClient, 'slow client');
            return;
          }
          // One WebSocket message per event (seed 004). The batch's frames for this filter are
          // built once and shared by every socket with the same filter, then written to the
          // socket in one write; `ws` itself writes nothing but pings and the close in between,
          // whole frames too. With an extension negotiated (none is offered: the server has
          // permessage-deflate off) frames go through `ws` one by one instead.
          if (socket.extensions !== '') {
            for (const event of batch.events) {
              if (!matchesEventFilter(event, filter)) continue;
              writeCoalescer.hold(raw);
              socket.send(bytesOf(event), { binary: false });
              writeCoalescer.wrote(raw);
              deps.metrics.delivered('ws_events');
            }
            return;
          }
          const frames = batch.shared(filterKey, (events) => {
            const kept = events.filter((e) => matchesEventFilter(e, filter));
            return { bytes: textFrames(kept.map(bytesOf)), count: kept.length };
          });
          if (frames.count === 0) return;
          writeCoalescer.hold(raw);
          raw.write(frames.bytes);
          writeCoalescer.wrote(raw);
          deps.metrics.delivered('ws_events', frames.count);
        },
      };
      hub.attach(subscriber);
      whenClosed(socket, () => {
        hub.detach(subscriber);
        deps.hubs.release(subject);
      });
    },
  );
}

function createEventsHub(deps: WsEventsDeps, filter: string): JsHub<OutgoingAnalyticEvent> {
  return new JsHub<OutgoingAnalyticEvent>({
    js: deps.js,
    positions: deps.positions,
    stream: streams.events.name,
    filter,
    decode: analyticEventDecoder,
    minBatchIntervalMs: deps.config.FANOUT_MIN_BATCH_INTERVAL_MS,
    logger: deps.logger,
    onDrop: (reason) => deps.metrics.drops.inc({ reason: `event_${reason}` }),
    onFanOut: (event, n) => {
      if (n > 0)
        deps.metrics.latency.observe({ transport: 'ws_events' }, (Date.now() - event.storedAtMs) / 1000);
    },
  });
}
