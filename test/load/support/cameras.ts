import { readdirSync, readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import sharp from 'sharp';

export interface Camera {
  deviceId: string;
  apiKey: string;
  frames: Buffer[];
  fps: number;
  /** Index of the first frame, so cameras showing the same sequence are not in lockstep. */
  offset: number;
}

export interface AcceptedFrame {
  frameId: string;
  deviceId: string;
  /** ingest's own accept time (body `acceptedAt`, epoch ms). */
  acceptedAt: number;
}

export interface PushCounts {
  sent: number;
  accepted: number;
  skippedByPacing: number;
  duplicate: number;
  /** Answers other than 202, by status and error code, e.g. `503 backlog_full`. */
  rejected: Record<string, number>;
  /** Requests that failed without an answer, by error message. */
  errors: Record<string, number>;
  /** Frames this client did not send because the camera already had maxInFlight unanswered. */
  notSentClientBusy: number;
}

/** The `code` of a `{"error":{"code","message"}}` body, or `?` when the body is not one. */
function errorCodeOf(body: string): string {
  try {
    return String((JSON.parse(body) as { error?: { code?: unknown } }).error?.code ?? '?');
  } catch {
    return '?';
  }
}

/** The sequence's real JPEGs in order. */
export function readSequence(dir: string): Buffer[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.jpg'))
    .sort();
  return files.map((f) => readFileSync(join(dir, f)));
}

/** The same frames re-encoded at 1920×1080 (what a 1080p camera sends). */
export async function to1080p(frames: Buffer[]): Promise<Buffer[]> {
  return Promise.all(
    frames.map((f) => sharp(f).resize(1920, 1080, { fit: 'fill' }).jpeg({ quality: 85 }).toBuffer()),
  );
}

/**
 * Cameras pushing real JPEGs to ingest's raw-frame route at their fps, over keep-alive HTTP, as
 * many do in the field. Each camera keeps at most `maxInFlight` requests unanswered (a camera does
 * not queue without bound either); a frame due while it is busy is counted, not sent.
 */
export class CameraFleet {
  readonly accepted: AcceptedFrame[] = [];
  readonly counts: PushCounts = {
    sent: 0,
    accepted: 0,
    skippedByPacing: 0,
    duplicate: 0,
    rejected: {},
    errors: {},
    notSentClientBusy: 0,
  };
  private readonly agent: Agent;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly ingestUrl: string,
    private readonly cameras: Camera[],
    private readonly maxInFlight = 4,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets: cameras.length * maxInFlight });
  }

  /** Push every camera for `durationMs`, then wait for the answers still outstanding. */
  async run(durationMs: number): Promise<void> {
    const start = performance.now();
    await Promise.all(this.cameras.map((camera) => this.runCamera(camera, start, durationMs)));
    await Promise.all([...this.inFlight]);
    this.agent.destroy();
  }

  private async runCamera(camera: Camera, start: number, durationMs: number): Promise<void> {
    const interval = 1000 / camera.fps;
    let busy = 0;
    for (let k = 0; k * interval < durationMs; k++) {
      const due = start + k * interval;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      if (busy >= this.maxInFlight) {
        this.counts.notSentClientBusy++;
        continue;
      }
      busy++;
      const frame = camera.frames[(camera.offset + k) % camera.frames.length]!;
      const pending = this.push(camera, frame).finally(() => {
        busy--;
        this.inFlight.delete(pending);
      });
      this.inFlight.add(pending);
    }
  }

  private async push(camera: Camera, frame: Buffer): Promise<void> {
    this.counts.sent++;
    try {
      const { status, body } = await this.post(camera, frame);
      if (status !== 202) {
        const key = `${status} ${errorCodeOf(body)}`;
        this.counts.rejected[key] = (this.counts.rejected[key] ?? 0) + 1;
        return;
      }
      const answer = JSON.parse(body) as {
        frameId: string;
        acceptedAt: number;
        skipped?: boolean;
        duplicate?: boolean;
      };
      if (answer.skipped) this.counts.skippedByPacing++;
      else if (answer.duplicate) this.counts.duplicate++;
      else {
        this.counts.accepted++;
        this.accepted.push({
          frameId: answer.frameId,
          deviceId: camera.deviceId,
          acceptedAt: answer.acceptedAt,
        });
      }
    } catch (err) {
      const message = (err as Error).message;
      this.counts.errors[message] = (this.counts.errors[message] ?? 0) + 1;
    }
  }

  private post(camera: Camera, frame: Buffer): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = request(
        `${this.ingestUrl}/api/v1/devices/${camera.deviceId}/frames`,
        {
          method: 'POST',
          agent: this.agent,
          headers: {
            authorization: `Bearer ${camera.apiKey}`,
            'content-type': 'image/jpeg',
            'content-length': frame.length,
          },
          timeout: 30_000,
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            body += chunk;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', reject);
      req.end(frame);
    });
  }
}
