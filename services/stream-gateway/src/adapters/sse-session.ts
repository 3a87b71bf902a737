import type { ServerResponse } from 'node:http';
import { type AnalysisEvent, frameFor } from '../domain/analysis-event.js';
import type { DetectionFilter } from '../domain/filters.js';
import { type DisconnectReason, disconnectFrame, heartbeatFrame } from '../domain/sse-format.js';
import type { HubSubscriber } from './js-hub.js';
import { writeCoalescer } from './write-coalescer.js';

export interface SseSessionOptions {
  res: ServerResponse;
  filter: DetectionFilter;
  maxQueuedEvents: number;
  maxBufferedBytes: number;
  now: () => number;
  /** Each analysis_result written (for the delivered counter). */
  onDelivered: () => void;
  /** Called once, when the stream ends for any reason (client gone or server closed it). */
  onEnd: (reason: DisconnectReason | 'client_closed') => void;
}

/**
 * One SSE client. It starts "held": events from its hub queue up (bounded) while the stored
 * events it missed are replayed; `goLive()` flushes the queue. Every event is written at most
 * once, in sequence order, so replay and live overlap without duplicates.
 *
 * Activity (for the idle timeout) is an event written to the client; heartbeats are not.
 */
export class SseSession implements HubSubscriber<AnalysisEvent> {
  lastSentSeq = 0;
  lastWriteAt: number;
  lastActivityAt: number;
  ended = false;
  private held: AnalysisEvent[] | undefined = [];

  constructor(private readonly options: SseSessionOptions) {
    this.lastWriteAt = options.now();
    this.lastActivityAt = this.lastWriteAt;
    options.res.on('close', () => this.finish('client_closed'));
    // The client may have gone while auth, slot and hub were awaited: 'close' will not come again.
    const socket = options.res.socket;
    if (!socket || socket.destroyed) queueMicrotask(() => this.finish('client_closed'));
  }

  onEvent(event: AnalysisEvent): void {
    if (this.ended) return;
    if (this.held) {
      if (this.held.length >= this.options.maxQueuedEvents) this.end('slow_client');
      else this.held.push(event);
      return;
    }
    this.deliver(event);
  }

  /** Write an event unless it was already written (or filtered out). */
  deliver(event: AnalysisEvent): void {
    if (this.ended || event.seq <= this.lastSentSeq) return;
    this.lastSentSeq = event.seq;
    const frame = frameFor(event, this.options.filter);
    if (frame === null) return;
    this.writeActivity(frame);
    this.options.onDelivered();
  }

  /** A frame that counts as activity (events, reset). */
  writeActivity(frame: string | Buffer): void {
    if (this.ended) return;
    // What is still unsent from earlier writes: a client that lets it pile up is cut off (it
    // resumes by Last-Event-ID) instead of growing this process's memory without bound.
    if (this.options.res.writableLength > this.options.maxBufferedBytes) {
      this.end('slow_client');
      return;
    }
    writeCoalescer.hold(this.options.res);
    this.options.res.write(frame);
    writeCoalescer.wrote(this.options.res);
    this.lastWriteAt = this.options.now();
    this.lastActivityAt = this.lastWriteAt;
  }

  goLive(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const event of held) this.deliver(event);
  }

  /** Called by the registry's ticker: heartbeat when quiet, close when idle. */
  tick(now: number, heartbeatMs: number, idleMs: number): void {
    if (this.ended) return;
    if (now - this.lastActivityAt >= idleMs) {
      this.end('idle_timeout');
      return;
    }
    if (now - this.lastWriteAt >= heartbeatMs) {
      this.options.res.write(heartbeatFrame);
      this.lastWriteAt = now;
    }
  }

  /** Tell the client why, then close. A client that does not read is cut off after a grace. */
  end(reason: DisconnectReason): void {
    if (this.ended) return;
    const { res } = this.options;
    res.end(disconnectFrame(reason));
    const socket = res.socket;
    if (socket && reason === 'slow_client') setTimeout(() => socket.destroy(), 2000).unref();
    this.finish(reason);
  }

  private finish(reason: DisconnectReason | 'client_closed'): void {
    if (this.ended) return;
    this.ended = true;
    this.held = undefined;
    this.options.onEnd(reason);
  }
}
