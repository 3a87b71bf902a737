/**
 * The ingest bench: 1080p JPEGs pushed by N concurrent HTTP clients through a real ingest (pacing
 * off, rate limit out of the way), side by side with a bare JetStream publish of the same bytes
 * by N concurrent publishers in the same run — the limit ingest can approach. Prints a table.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiscardPolicy } from '@nats-io/jetstream';
import { ControlPlane } from '@sightline/auth';
import { streams, subjects } from '@sightline/contracts';
import { connectNats, jetstream, manager, type NatsConnection, publishBytes } from '@sightline/nats';
import { bootService } from '@sightline/service-kit';
import sharp from 'sharp';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import type { PusherJob } from './pushers.js';

const PUSHERS = join(import.meta.dirname, 'pushers.ts');

export interface BenchOptions {
  natsUrl: string;
  imagePath: string;
  pushers: number;
  seconds: number;
}

interface Figures {
  frames: number;
  bytes: number;
  seconds: number;
}

const row = (name: string, f: Figures) =>
  `| ${name} | ${f.frames} | ${(f.frames / f.seconds).toFixed(1)} | ${(f.bytes / f.seconds / 1e6).toFixed(1)} |`;

/**
 * Nothing consumes FRAMES here, so the production rule (a device's 31st pending frame is refused)
 * would stop both paths after 30 frames per device: the bench stream keeps the newest instead.
 */
async function keepNewestFrames(nc: NatsConnection): Promise<void> {
  const jsm = await manager(nc);
  const { config } = await jsm.streams.info(streams.frames.name);
  await jsm.streams.update(streams.frames.name, {
    ...config,
    discard: DiscardPolicy.Old,
    discard_new_per_subject: false,
  });
}

const withBytes = (f: Figures, size: number): Figures => ({ ...f, bytes: f.frames * size });

/** Run `workers` loops of `once` for `seconds`; count the frames each completes. */
async function drive(
  workers: number,
  seconds: number,
  size: number,
  once: (worker: number, i: number) => Promise<void>,
): Promise<Figures> {
  const until = Date.now() + seconds * 1000;
  const started = Date.now();
  let frames = 0;
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      for (let i = 0; Date.now() < until; i++) {
        await once(w, i);
        frames++;
      }
    }),
  );
  const elapsed = (Date.now() - started) / 1000;
  return { frames, bytes: frames * size, seconds: elapsed };
}

/** The pushers in a child process (cameras are not inside ingest); its figures when done. */
function pushFromChild(job: PusherJob): Promise<Figures> {
  const child = spawn(process.execPath, ['--import', 'tsx', PUSHERS, JSON.stringify(job)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`pushers exited ${code}`));
      const { frames, seconds } = JSON.parse(out) as { frames: number; seconds: number };
      resolve({ frames, seconds, bytes: 0 });
    });
  });
}

export async function runBench(options: BenchOptions): Promise<string> {
  const jpeg = await sharp(readFileSync(options.imagePath))
    .resize(1920, 1080, { fit: 'fill' })
    .jpeg({ quality: 90 })
    .toBuffer();
  const config = loadConfig({
    NATS_URL: options.natsUrl,
    LOG_LEVEL: 'warn',
    PACING: 'off',
    PULL: 'off',
    RATE_LIMIT_PER_MINUTE: '100000000',
  });
  const runtime = await bootService({
    service: 'ingest',
    version: 'bench',
    logLevel: 'warn',
    natsUrl: options.natsUrl,
  });
  await keepNewestFrames(runtime.nc);
  const app = await buildApp(runtime, config);
  await app.http.listen({ host: '127.0.0.1', port: 0 });
  const address = app.http.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  const control = await ControlPlane.open(runtime.nc);
  const tenant = await control.createTenant('bench', `bench-${Date.now()}`);
  const { key } = await control.createApiKey({
    tenantId: tenant.tenantId,
    owner: 'bench',
    scopes: ['frames:write'],
  });
  const devices = await Promise.all(
    Array.from({ length: options.pushers }, (_, i) =>
      control.createDevice(tenant.tenantId, { name: `bench-${i}`, detectFps: 60 }),
    ),
  );

  // The bare baseline publishes on its own connection, as a client of NATS would.
  const bareNc = await connectNats({ url: options.natsUrl, name: 'bench-bare' });
  const js = jetstream(bareNc);
  const runId = Date.now();
  const bare = await drive(options.pushers, options.seconds, jpeg.length, async (w, i) => {
    await publishBytes(js, subjects.frames(tenant.tenantId, devices[w]!.deviceId), jpeg, {
      msgId: `bare-${runId}-${w}-${i}`,
    });
  });

  const jpegPath = join(mkdtempSync(join(tmpdir(), 'bench-ingest-')), 'frame.jpg');
  writeFileSync(jpegPath, jpeg);
  const job = { key, jpegPath, seconds: options.seconds };
  const paths = devices.map((d) => `/api/v1/devices/${d.deviceId}/frames`);
  const ingest = withBytes(await pushFromChild({ ...job, port, paths }), jpeg.length);

  // The HTTP transport alone: the same client against a server that only reads the body.
  const sink = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(202).end('{}'));
  });
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  const sinkAddress = sink.address();
  const sinkPort = typeof sinkAddress === 'object' && sinkAddress ? sinkAddress.port : 0;
  const http = withBytes(
    await pushFromChild({ ...job, port: sinkPort, paths: paths.map(() => '/') }),
    jpeg.length,
  );
  sink.close();

  await bareNc.drain();
  await app.http.close();
  await app.stop();
  await runtime.nc.drain();

  return [
    `ingest bench: ${options.pushers} concurrent pushers, ${options.seconds} s each, 1080p JPEG of ${(jpeg.length / 1024).toFixed(0)} KiB`,
    '',
    '| path | frames | frames/s | MB/s |',
    '|---|---|---|---|',
    row('bare JetStream publish (the limit)', bare),
    row('ingest POST /api/v1/devices/:id/frames', ingest),
    row('HTTP POST to a body-discarding node:http server (transport only)', http),
    '',
    `ratio ingest / bare JetStream publish: ${(ingest.frames / ingest.seconds / (bare.frames / bare.seconds)).toFixed(2)} (frames/s)`,
    `ratio ingest / bare HTTP transport: ${(ingest.frames / ingest.seconds / (http.frames / http.seconds)).toFixed(2)} (frames/s)`,
  ].join('\n');
}
