import type { Principal } from '@sightline/auth';
import { ApiError, compile, type Device, FramePush } from '@sightline/contracts';
import type { WebSocket } from 'ws';
import type { IngestContext } from '../context.js';
import { frameIdFor } from '../domain/frame-id.js';
import { countedErrors } from '../domain/frame-intake.js';
import { decodeFrameText } from './frames-json.js';
import { enforceRateLimit } from './request-auth.js';

const framePush = compile(FramePush);

export type ServerMessage =
  | { type: 'ready'; deviceId: string }
  | { type: 'ack'; seq: number; frameId: string; skipped?: true; duplicate?: true }
  | { type: 'error'; seq?: number; code: string; message: string; retryAfterSec?: number };

/**
 * One pushing camera's socket after authentication: each frame message (binary JPEG/PNG, or
 * seed 002 JSON as text) is answered by an ack or an error carrying its sequence number.
 * Backpressure: with `maxInFlight` frames unanswered the socket is paused, so TCP pushes back
 * on the camera instead of frames queueing here.
 */
export class WsFrameSession {
  private seq = 0;
  private inFlight = 0;

  constructor(
    private readonly ctx: IngestContext,
    private readonly socket: WebSocket,
    private readonly principal: Principal,
    private readonly device: Device,
  ) {}

  onMessage(data: Buffer, isBinary: boolean): void {
    const seq = ++this.seq;
    this.inFlight++;
    if (this.inFlight >= this.ctx.config.WS_MAX_IN_FLIGHT && !this.socket.isPaused) {
      this.socket.pause();
      this.ctx.metrics.wsPauses.inc();
    }
    void this.handle(seq, data, isBinary)
      .then((reply) => this.send(reply))
      .finally(() => {
        this.inFlight--;
        if (this.inFlight < this.ctx.config.WS_MAX_IN_FLIGHT && this.socket.isPaused) this.socket.resume();
      });
  }

  send(message: ServerMessage): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(JSON.stringify(message));
  }

  private async handle(seq: number, data: Buffer, isBinary: boolean): Promise<ServerMessage> {
    try {
      enforceRateLimit(this.ctx, this.principal);
      const { bytes, timestamp, key } = isBinary
        ? { bytes: data, timestamp: undefined, key: undefined }
        : this.parseText(data);
      const result = await this.ctx.intake.accept({
        device: this.device,
        bytes,
        source: 'ws',
        frameId: frameIdFor(this.device.tenantId, this.device.deviceId, key),
        clientNamed: key !== undefined,
        rawTimestamp: timestamp,
      });
      return {
        type: 'ack',
        seq,
        frameId: result.frameId,
        ...(result.skipped ? { skipped: true } : {}),
        ...(result.duplicate ? { duplicate: true } : {}),
      };
    } catch (err) {
      if (!(err instanceof ApiError)) {
        this.ctx.runtime.logger.error({ err }, 'websocket frame failed');
        return { type: 'error', seq, code: 'internal', message: 'internal error' };
      }
      if (!countedErrors.has(err)) {
        this.ctx.metrics.rejected.inc({
          source: 'ws',
          reason: (err as { reason?: string }).reason ?? err.code,
        });
      }
      const retryAfter = err.headers['Retry-After'];
      return {
        type: 'error',
        seq,
        code: err.code,
        message: err.message,
        ...(retryAfter ? { retryAfterSec: Number(retryAfter) } : {}),
      };
    }
  }

  /** A text message: seed 002 FramePush JSON naming this socket's device. */
  private parseText(data: Buffer): { bytes: Buffer; timestamp: unknown; key: undefined } {
    let body: unknown;
    try {
      body = JSON.parse(data.toString('utf8'));
    } catch {
      throw new ApiError('bad_request', 'text messages must be JSON');
    }
    if (!framePush.check(body))
      throw new ApiError('bad_request', `invalid frame message: ${framePush.errors(body).join('; ')}`);
    if (body.camera_id !== this.device.deviceId)
      throw new ApiError('not_found', `device ${body.camera_id} not found on this socket`);
    return {
      bytes: decodeFrameText(body.frame, this.ctx.config.MAX_FRAME_BYTES),
      timestamp: body.timestamp,
      key: undefined,
    };
  }
}
