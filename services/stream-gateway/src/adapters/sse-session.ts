import type { ServerResponse } from 'node:http';
import {
  type AnalysisEvent,
  type BatchFrames,
  batchFrames,
  firstAfter,
  frameFor,
} from '../domain/analysis-event.js';
import type { DetectionFilter } from '../domain/filters.js';
import { type DisconnectReason, disconnectFrame, heartbeatFrame } from '../domain/sse-format.js';
import { directSocket, httpChunk } from './http-chunks.js';
import type { EventBatch, HubSubscriber } from './js-hub.js';
import { type Corkable, writeCoalescer } from './write-coalescer.js';

export interface SseSessionOptions {
  res: ServerResponse;
  filter: DetectionFilter;
  maxQueuedEvents: number;
  maxBufferedBytes: number;
  now: () => number;
  /** `n` analysis_result events written (for the delivered counter). */
  onDelivered: (n: number) => void;
  /** Called once, when the stream ends for any reason (client gone or server closed it). */
  onEnd: (reason: DisconnectReason | 'client_closed') => void;
}

/**
 * One SSE client. It starts "held": batches from its hub queue up (at most `maxQueuedEvents`
 * events) while the stored events it missed are replayed; `goLive()` flushes the queue. Every
 * event is written at most once, in sequence order, so replay and live overlap without
 * duplicates.
 *
 * A live client is written once per hub batch (one turn of the event loop): the batch's frames
 * for its filter, concatenated once per (batch, filter) and shared by every client of the hub with
 * that filter; a client that already has the start of the batch is written the rest.
 *
 * Activity (for the idle timeout) is an event written to the client; heartbeats are not.
 */
export class SseSession implements HubSubscriber<AnalysisEvent> {
  lastSentSeq = 0;
  lastWriteAt: number;
  lastActivityAt: number;
  ended = false;
  private held: EventBatch<AnalysisEvent>[] | undefined = [];
  private heldEvents = 0;

  constructor(private readonly options: SseSessionOptions) {
    this.lastWriteAt = options.now();
    this.lastActivityAt = this.lastWriteAt;
    options.res.on('close', () => this.finish('client_closed'));
    // The client may have gone while auth, slot and hub were awaited: 'close' will not come again.
    const socket = options.res.socket;
    if (!socket || socket.destroyed) queueMicrotask(() => this.finish('client_closed'));
  }

  onBatch(batch: EventBatch<AnalysisEvent>): void {
    if (this.ended) return;
    if (this.held) {
      this.heldEvents += batch.events.length;
      if (this.heldEvents > this.options.maxQueuedEvents) this.end('slow_client');
      else this.held.push(batch);
      return;
    }
    this.deliverBatch(batch);
  }

  /** Write a batch's events that were not written yet (and pass the filter), in one write. */
  deliverBatch(batch: EventBatch<AnalysisEvent>): void {
    if (this.ended || batch.lastSeq <= this.lastSentSeq) return;
    const { filter } = this.options;
    const frames = batch.shared(filter.key, (events) => batchFrames(events, filter));
    const from = firstAfter(frames, this.lastSentSeq);
    this.lastSentSeq = batch.lastSeq;
    const count = frames.seqs.length - from;
    if (count === 0) return;
    if (this.writeFrames(batch, frames, from)) this.options.onDelivered(count);
  }

  /**
   * The frames from `from` on, in one write: straight to the socket as one HTTP chunk, built once
   * per (batch, filter) and shared, when the response allows it (`directSocket`); else through
   * `res.write`, which frames the chunk itself in three socket writes per client.
   */
  private writeFrames(batch: EventBatch<AnalysisEvent>, frames: BatchFrames, from: number): boolean {
    const { res, filter } = this.options;
    const bytes = from === 0 ? frames.bytes : frames.bytes.subarray(frames.starts[from]);
    const socket = directSocket(res);
    if (!socket) return this.writeActivity(bytes);
    const chunk =
      from === 0 ? batch.shared(`${filter.key}\nchunk`, () => httpChunk(bytes)) : httpChunk(bytes);
    return this.writeActivity(chunk, socket);
  }

  /** Write an event unless it was already written (or filtered out): replay, one at a time. */
  deliver(event: AnalysisEvent): void {
    if (this.ended || event.seq <= this.lastSentSeq) return;
    this.lastSentSeq = event.seq;
    const frame = frameFor(event, this.options.filter);
    if (frame === null) return;
    if (this.writeActivity(frame)) this.options.onDelivered(1);
  }

  /**
   * A write that counts as activity (events, reset); false when the client was cut off instead.
   * `to`: the response (it frames the chunk), or its socket for an already framed chunk.
   */
  writeActivity(
    frame: string | Buffer,
    to: Corkable & { write(b: string | Buffer): boolean } = this.options.res,
  ): boolean {
    if (this.ended) return false;
    // What is still unsent from earlier writes: a client that lets it pile up is cut off (it
    // resumes by Last-Event-ID) instead of growing this process's memory without bound.
    if (to.writableLength > this.options.maxBufferedBytes) {
      this.end('slow_client');
      return false;
    }
    writeCoalescer.hold(to);
    to.write(frame);
    writeCoalescer.wrote(to);
    this.lastWriteAt = this.options.now();
    this.lastActivityAt = this.lastWriteAt;
    return true;
  }

  /**
   * The id of the next event this client is to be written: the first, after its last, that its
   * filter keeps among the held batches and then `upcoming` (its hub's batch not handed out
   * yet); null when there is none (the replay's reset says where the stream goes on).
   */
  nextEventId(upcoming: readonly AnalysisEvent[]): string | null {
    const candidates = [...(this.held ?? []).flatMap((batch) => batch.events), ...upcoming];
    for (const event of candidates) {
      if (event.seq > this.lastSentSeq && frameFor(event, this.options.filter) !== null) return event.id;
    }
    return null;
  }

  goLive(): void {
    const held = this.held ?? [];
    this.held = undefined;
    this.heldEvents = 0;
    for (const batch of held) this.deliverBatch(batch);
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
