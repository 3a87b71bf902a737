import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Accepted {
  frameId: string;
  acceptedAt: number;
}

/** Real frames of a MOT sequence, in order: people walking, so the detector has work. */
export function sequenceFrames(dir: string, count: number): Buffer[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.jpg'))
    .sort()
    .slice(0, count);
  return files.map((f) => readFileSync(join(dir, f)));
}

/**
 * Posts frames to ingest as a camera would, each with an Idempotency-Key, and retries a frame
 * (same key) until ingest answers 202 — through restarts and outages. Records what was accepted.
 */
export class FrameFeeder {
  readonly accepted: Accepted[] = [];
  readonly failures: string[] = [];

  constructor(
    private readonly ingestUrl: () => string,
    private readonly apiKey: string,
    private readonly deviceId: string,
    private readonly runId: string,
  ) {}

  async post(frame: Buffer, index: number, deadlineMs = 90_000): Promise<void> {
    const deadline = Date.now() + deadlineMs;
    for (let attempt = 0; Date.now() < deadline; attempt++) {
      try {
        const res = await fetch(`${this.ingestUrl()}/api/v1/devices/${this.deviceId}/frames`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${this.apiKey}`,
            'content-type': 'image/jpeg',
            'idempotency-key': `${this.runId}-${index}`,
          },
          body: frame,
          signal: AbortSignal.timeout(10_000),
        });
        if (res.status === 202) {
          const body = (await res.json()) as { frameId: string; skipped?: boolean };
          if (body.skipped) throw new Error('frame skipped by pacing; raise the device detect fps');
          this.accepted.push({ frameId: body.frameId, acceptedAt: Date.now() });
          return;
        }
        this.failures.push(`${index}: ${res.status}`);
        await res.body?.cancel();
      } catch (err) {
        if (String(err).includes('skipped by pacing')) throw err;
        this.failures.push(`${index}: ${String((err as Error).message)}`);
      }
      await new Promise((r) => setTimeout(r, Math.min(2000, 100 * 2 ** attempt)));
    }
    throw new Error(`frame ${index} was never accepted: ${this.failures.slice(-3).join('; ')}`);
  }

  /** Post frames at the given rate; resolves when all were accepted. */
  async feed(frames: Buffer[], fps: number, onIndex?: (i: number) => Promise<void> | void): Promise<void> {
    const pending: Promise<void>[] = [];
    for (let i = 0; i < frames.length; i++) {
      await onIndex?.(i);
      pending.push(this.post(frames[i]!, i));
      await new Promise((r) => setTimeout(r, 1000 / fps));
    }
    await Promise.all(pending);
  }
}
