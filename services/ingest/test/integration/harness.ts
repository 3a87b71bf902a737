import { Writable } from 'node:stream';
import { ControlPlane } from '@sightline/auth';
import { frameHeaders, type Scope, streams } from '@sightline/contracts';
import type { JetStreamClient, JsMsg, NatsConnection } from '@sightline/nats';
import { bootService, createLogger, type ServiceApp, type ServiceRuntime } from '@sightline/service-kit';
import { startNats, type TestNats } from '@sightline/testing';
import { buildApp } from '../../src/app.js';
import { type IngestConfig, loadConfig } from '../../src/config.js';

export interface IngestUnderTest {
  nats: TestNats;
  runtime: ServiceRuntime;
  app: ServiceApp;
  config: IngestConfig;
  control: ControlPlane;
  url: string;
  stop(): Promise<void>;
}

/** A logger at info that keeps every line in `lines` (to search them for leaked secrets). */
function capturingLogger(lines: string[]) {
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return createLogger({ service: 'ingest', version: 'test', level: 'info', destination });
}

/**
 * A real nats-server and one ingest replica listening on a free port. Pass `logLines` to keep what
 * it logs (info and up); otherwise it logs nothing.
 */
export async function startIngest(
  env: Record<string, string> = {},
  nats?: TestNats,
  logLines?: string[],
): Promise<IngestUnderTest> {
  const ownNats = nats === undefined;
  const server = nats ?? (await startNats());
  const config = loadConfig({ NATS_URL: server.url, LOG_LEVEL: 'silent', PULL: 'off', ...env });
  const booted = await bootService({
    service: 'ingest',
    version: 'test',
    logLevel: 'silent',
    natsUrl: server.url,
  });
  const runtime = logLines ? { ...booted, logger: capturingLogger(logLines) } : booted;
  const app = await buildApp(runtime, config);
  await app.http.listen({ host: '127.0.0.1', port: 0 });
  await app.start();
  const address = app.http.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const control = await ControlPlane.open(runtime.nc, { keyCacheMs: 0 });
  return {
    nats: server,
    runtime,
    app,
    config,
    control,
    url: `http://127.0.0.1:${port}`,
    async stop() {
      await app.http.close();
      await app.stop();
      await runtime.nc.drain();
      if (ownNats) await server.stop();
    },
  };
}

export interface TenantFixture {
  tenantId: string;
  key: string;
  deviceId: string;
}

let counter = 0;

/** A tenant with one key (given scopes) and one device. */
export async function createTenant(
  control: ControlPlane,
  {
    scopes = ['frames:write'] as Scope[],
    detectFps = 60,
    sourceUrl,
  }: { scopes?: Scope[]; detectFps?: number; sourceUrl?: string } = {},
): Promise<TenantFixture> {
  counter++;
  const tenant = await control.createTenant(`t${counter}`, `tenant-${process.pid}-${counter}-${Date.now()}`);
  const { key } = await control.createApiKey({ tenantId: tenant.tenantId, owner: 'test', scopes });
  const device = await control.createDevice(tenant.tenantId, {
    name: 'cam',
    detectFps,
    ...(sourceUrl ? { sourceUrl } : {}),
  });
  return { tenantId: tenant.tenantId, key, deviceId: device.deviceId };
}

/** Read up to `count` messages on a subject of FRAMES with an ordered consumer. */
export async function readFrames(
  js: JetStreamClient,
  subject: string,
  count: number,
  idleMs = 1500,
): Promise<JsMsg[]> {
  const consumer = await js.consumers.get(streams.frames.name, { filter_subjects: subject });
  const out: JsMsg[] = [];
  while (out.length < count) {
    const msg = await consumer.next({ expires: idleMs });
    if (!msg) break;
    out.push(msg);
  }
  return out;
}

/** The FrameMeta headers of a message as a plain object. */
export function headersOf(msg: JsMsg): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [field, header] of Object.entries(frameHeaders))
    out[field] = msg.headers?.get(header) || undefined;
  return out;
}

export type { NatsConnection };
