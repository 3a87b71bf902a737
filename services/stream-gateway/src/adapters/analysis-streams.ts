import type { Principal } from '@sightline/auth';
import { ApiError, streams, subjects } from '@sightline/contracts';
import type { JetStreamClient } from '@sightline/nats';
import type { Logger } from '@sightline/service-kit';
import type { FastifyReply } from 'fastify';
import type { GatewayConfig } from '../config.js';
import { type AnalysisEvent, analysisDecoder } from '../domain/analysis-event.js';
import type { DetectionFilter } from '../domain/filters.js';
import { resetFrame, retryFrame } from '../domain/sse-format.js';
import type { GatewayMetrics } from '../metrics.js';
import type { ConnectionSlots, HeldSlot } from './connection-slots.js';
import { HubRegistry } from './hub-registry.js';
import { JsHub } from './js-hub.js';
import { replayRange } from './replay.js';
import { SseSession } from './sse-session.js';
import type { StreamPositions } from './stream-positions.js';

export type AnalysisScope = { kind: 'device'; deviceId: string } | { kind: 'all' };

export interface OpenStream {
  principal: Principal;
  scope: AnalysisScope;
  /** The sequence of the last event the client has (from Last-Event-ID), if resuming. */
  resumeAfter: number | undefined;
  filter: DetectionFilter;
  reply: FastifyReply;
}

export interface AnalysisStreamsDeps {
  js: JetStreamClient;
  positions: StreamPositions;
  slots: ConnectionSlots;
  config: GatewayConfig;
  metrics: GatewayMetrics;
  logger: Logger;
}

const sseHeaders = {
  'Content-Type': 'text/event-stream',
  'Cache-Control': 'no-cache',
  Connection: 'keep-alive',
  'X-Accel-Buffering': 'no',
};

/** Every SSE analysis stream of this process: shared hubs, per-user slots, resume, timers. */
export class AnalysisStreams {
  readonly hubs: HubRegistry<JsHub<AnalysisEvent>>;
  private readonly open = new Map<SseSession, HeldSlot>();
  private timers: NodeJS.Timeout[] = [];

  constructor(private readonly deps: AnalysisStreamsDeps) {
    this.hubs = new HubRegistry(deps.config.HUB_LINGER_MS, (n) =>
      deps.metrics.hubs.set({ kind: 'analysis' }, n),
    );
  }

  start(): void {
    const { SSE_HEARTBEAT_MS, SSE_IDLE_TIMEOUT_MS, SLOT_REFRESH_MS } = this.deps.config;
    const tickMs = Math.max(10, Math.min(1000, SSE_HEARTBEAT_MS, Math.floor(SSE_IDLE_TIMEOUT_MS / 4)));
    this.timers.push(
      setInterval(() => this.tick(), tickMs),
      setInterval(() => void this.refreshSlots(), SLOT_REFRESH_MS),
    );
    for (const t of this.timers) t.unref();
  }

  /** Close every stream with a reason (clients reconnect, to another replica) and stop the hubs. */
  stop(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    for (const session of [...this.open.keys()]) session.end('shutdown');
    this.hubs.stopAll();
  }

  get connections(): number {
    return this.open.size;
  }

  async openStream(request: OpenStream): Promise<void> {
    const { principal, scope } = request;
    const { slots, metrics, config } = this.deps;
    const slot = await slots.acquire(principal.tenantId, principal.owner);
    if (!slot) {
      metrics.rejected.inc({ reason: 'user_limit' });
      throw new ApiError(
        'too_many_requests',
        `at most ${config.SSE_MAX_PER_USER} concurrent SSE connections per user`,
        { 'Retry-After': String(config.SSE_LIMIT_RETRY_AFTER_S) },
      );
    }
    const streamKey = scope.kind === 'device' ? scope.deviceId : principal.tenantId;
    const filter =
      scope.kind === 'device'
        ? subjects.analysis(principal.tenantId, scope.deviceId)
        : subjects.analysisOfTenant(principal.tenantId);
    const hubKey = `${scope.kind} ${filter}`;
    let hub: JsHub<AnalysisEvent>;
    try {
      hub = await this.hubs.acquire(hubKey, () => this.createHub(filter, streamKey));
    } catch (err) {
      await slots.release(slot);
      this.deps.logger.error({ err }, 'could not subscribe to ANALYSIS');
      throw new ApiError('unavailable', 'stream temporarily unavailable, retry');
    }
    const session = this.startSession(request, slot, () => {
      hub.detach(session);
      this.hubs.release(hubKey);
    });
    const joinedAt = hub.attach(session);
    if (request.resumeAfter === undefined) return session.goLive();
    await this.resume(session, {
      filter,
      streamKey,
      joinedAt,
      resumeAfter: request.resumeAfter,
      upcoming: () => hub.upcoming(),
    }).catch((err) => {
      this.deps.logger.warn({ err }, 'replay failed');
      session.end('stream_error');
    });
  }

  private createHub(filter: string, streamKey: string): JsHub<AnalysisEvent> {
    const { js, positions, metrics, logger, config } = this.deps;
    return new JsHub<AnalysisEvent>({
      js,
      positions,
      stream: streams.analysis.name,
      filter,
      decode: analysisDecoder(streamKey),
      minBatchIntervalMs: config.FANOUT_MIN_BATCH_INTERVAL_MS,
      logger,
      onDrop: (reason) => metrics.drops.inc({ reason }),
      onFanOut: (event, n) => {
        if (n > 0) metrics.latency.observe({ transport: 'sse' }, (Date.now() - event.storedAtMs) / 1000);
      },
    });
  }

  private startSession(request: OpenStream, slot: HeldSlot, detach: () => void): SseSession {
    const { config, metrics, slots } = this.deps;
    const { reply } = request;
    reply.hijack();
    const res = reply.raw;
    res.socket?.setNoDelay(true);
    res.writeHead(200, sseHeaders);
    res.write(retryFrame(config.SSE_RETRY_MS));
    metrics.connections.inc({ transport: 'sse' });
    const session: SseSession = new SseSession({
      res,
      filter: request.filter,
      maxQueuedEvents: config.SSE_MAX_QUEUED_EVENTS,
      maxBufferedBytes: config.SSE_MAX_BUFFERED_BYTES,
      now: Date.now,
      onDelivered: (n) => metrics.delivered('sse', n),
      onEnd: (reason) => {
        detach();
        this.open.delete(session);
        void slots.release(slot);
        metrics.connections.dec({ transport: 'sse' });
        metrics.disconnects.inc({ transport: 'sse', reason });
        if (reason === 'slow_client') metrics.slowClients.inc({ transport: 'sse', action: 'disconnect' });
      },
    });
    this.open.set(session, slot);
    return session;
  }

  /**
   * Replay (resumeAfter, joinedAt] from the stream, then release what the hub delivered
   * meanwhile. A position older than retention first gets `event: reset`.
   */
  private async resume(
    session: SseSession,
    at: {
      filter: string;
      streamKey: string;
      joinedAt: number;
      resumeAfter: number;
      upcoming: () => readonly AnalysisEvent[];
    },
  ): Promise<void> {
    const { js, positions, metrics } = this.deps;
    const bounds = await positions.info(streams.analysis.name);
    let pendingReset: 'retention' | 'unknown_position' | undefined;
    if (at.resumeAfter > bounds.lastSeq) pendingReset = 'unknown_position';
    else if (bounds.firstSeq > at.resumeAfter + 1) pendingReset = 'retention';
    // A position the stream never reached (it was recreated): no replay, continue live from now.
    const unknown = pendingReset === 'unknown_position';
    session.lastSentSeq = unknown ? 0 : at.resumeAfter;
    const from = unknown ? at.joinedAt + 1 : Math.max(at.resumeAfter + 1, bounds.firstSeq);
    const sendReset = (firstAvailableId: string | null) => {
      if (!pendingReset) return;
      session.writeActivity(resetFrame(pendingReset, firstAvailableId));
      metrics.resets.inc();
      pendingReset = undefined;
    };
    const read = await replayRange<AnalysisEvent>({
      js,
      stream: streams.analysis.name,
      filter: at.filter,
      from,
      until: at.joinedAt,
      decode: analysisDecoder(at.streamKey),
      onEvent: (event) => {
        sendReset(event.id);
        session.deliver(event);
      },
      onDrop: (reason) => metrics.drops.inc({ reason }),
      cancelled: () => session.ended,
    });
    // Nothing replayed: the first event after the gap is held, or still in the hub's next batch.
    sendReset(session.nextEventId(at.upcoming()));
    metrics.replayDepth.observe(read);
    session.goLive();
  }

  private tick(): void {
    const now = Date.now();
    const { SSE_HEARTBEAT_MS, SSE_IDLE_TIMEOUT_MS } = this.deps.config;
    for (const session of this.open.keys()) session.tick(now, SSE_HEARTBEAT_MS, SSE_IDLE_TIMEOUT_MS);
  }

  private async refreshSlots(): Promise<void> {
    for (const [session, slot] of [...this.open]) {
      if (!(await this.deps.slots.refresh(slot))) session.end('slot_lost');
    }
  }
}
