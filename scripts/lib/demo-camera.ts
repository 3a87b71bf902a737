import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';

/** Real frames for the demo camera: a MOT sequence of people walking, else a generated pattern. */
export async function demoFrames(dataDir: string): Promise<Buffer[]> {
  for (const seq of ['mot/TUD-Campus/img1', 'mot/PETS09-S3-MF1/img1']) {
    const dir = join(dataDir, seq);
    if (!existsSync(dir)) continue;
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.jpg'))
      .sort();
    if (files.length > 0) return files.map((f) => readFileSync(join(dir, f)));
  }
  return [await testPattern()];
}

async function testPattern(): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="360">
    <rect width="640" height="360" fill="#204060"/>
    <text x="40" y="190" font-size="40" fill="#fff" font-family="sans-serif">Sightline test pattern</text></svg>`;
  return sharp(Buffer.from(svg)).jpeg().toBuffer();
}

export interface DemoCameraOptions {
  ingestUrl: string;
  apiKey: string;
  deviceId: string;
  fps: number;
  frames: Buffer[];
  onError?: (err: unknown) => void;
}

/** Loops the frames into ingest at the given rate until stopped. */
export function startDemoCamera(options: DemoCameraOptions): () => void {
  let index = 0;
  const timer = setInterval(async () => {
    const frame = options.frames[index++ % options.frames.length]!;
    try {
      const res = await fetch(`${options.ingestUrl}/api/v1/devices/${options.deviceId}/frames`, {
        method: 'POST',
        headers: { authorization: `Bearer ${options.apiKey}`, 'content-type': 'image/jpeg' },
        body: frame,
      });
      if (!res.ok && res.status !== 429)
        options.onError?.(new Error(`ingest answered ${res.status}: ${await res.text()}`));
    } catch (err) {
      options.onError?.(err);
    }
  }, 1000 / options.fps);
  return () => clearInterval(timer);
}
