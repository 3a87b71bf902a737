import { readdirSync, readFileSync } from 'node:fs';
import { dataPath } from '@sightline/testing';

/** The TUD-Campus MOT sequence: real 640x480 frames of people walking, in order. */
export function campusFrames(): Uint8Array<ArrayBuffer>[] {
  const dir = dataPath('mot', 'TUD-Campus', 'img1');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jpg'))
    .sort()
    .map((f) => new Uint8Array(readFileSync(`${dir}/${f}`)));
}

/**
 * A camera pushing JPEGs into ingest's `POST /api/v1/devices/:id/frames` at a steady rate, as
 * scripts/lib/demo-camera.ts does for the local stack; errors are collected, not thrown.
 */
export function startCamera(options: {
  ingestUrl: string;
  apiKey: string;
  deviceId: string;
  fps: number;
  frames: Uint8Array<ArrayBuffer>[];
  errors: string[];
}): () => void {
  let index = 0;
  const timer = setInterval(async () => {
    const frame = options.frames[index++ % options.frames.length]!;
    try {
      const res = await fetch(`${options.ingestUrl}/api/v1/devices/${options.deviceId}/frames`, {
        method: 'POST',
        headers: { authorization: `Bearer ${options.apiKey}`, 'content-type': 'image/jpeg' },
        body: new Blob([frame], { type: 'image/jpeg' }),
      });
      // 202 accepted or skipped (pacing), 429 rate limited: all normal for a camera.
      if (!res.ok && res.status !== 429) options.errors.push(`ingest ${res.status}: ${await res.text()}`);
    } catch (err) {
      options.errors.push(String(err));
    }
  }, 1000 / options.fps);
  return () => clearInterval(timer);
}
