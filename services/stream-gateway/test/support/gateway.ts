import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { ControlPlane } from '@sightline/auth';
import { type AnalysisResult, type Scope, streams, subjects } from '@sightline/contracts';
import { connectNats, jetstream, provisionAll, publishJson } from '@sightline/nats';
import { createLogger, createRegistry, type ServiceApp, type ServiceRuntime } from '@sightline/service-kit';
import { buildApp } from '../../src/app.js';
import { type GatewayConfig, loadConfig } from '../../src/config.js';

export interface RunningGateway {
  url: string;
  port: number;
  app: ServiceApp;
  runtime: ServiceRuntime;
  config: GatewayConfig;
  /** Graceful: SIGTERM-like order (close HTTP → stop → drain). */
  stop(): Promise<void>;
  /** Like a SIGKILL: NATS gone and every socket cut, nothing released. */
  crash(): Promise<void>;
}

/** A runtime on its own connection; with `logLines`, every log line (info and up) is kept there. */
export async function runtimeFor(natsUrl: string, logLines?: string[]): Promise<ServiceRuntime> {
  const nc = await connectNats({ url: natsUrl, name: 'stream-gateway-test' });
  await provisionAll(nc);
  return {
    logger: logLines
      ? capturingLogger(logLines)
      : createLogger({ service: 'stream-gateway', version: 'test', level: 'silent' }),
    registry: createRegistry('stream-gateway'),
    nc,
    js: jetstream(nc),
    natsConnected: () => !nc.isClosed(),
  };
}

function capturingLogger(lines: string[]) {
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return createLogger({ service: 'stream-gateway', version: 'test', level: 'info', destination });
}

/**
 * A gateway replica: the real buildApp, listening on 127.0.0.1 (a given port to "restart" one).
 * Pass `logLines` to keep what it logs (to search it for leaked secrets).
 */
export async function startGateway(
  natsUrl: string,
  env: Record<string, string> = {},
  port = 0,
  logLines?: string[],
): Promise<RunningGateway> {
  const config = loadConfig({ NATS_URL: natsUrl, LOG_LEVEL: 'silent', ...env });
  const runtime = await runtimeFor(natsUrl, logLines);
  const app = await buildApp(runtime, config);
  await app.http.listen({ host: '127.0.0.1', port });
  await app.start();
  const bound = (app.http.server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${bound}`,
    port: bound,
    app,
    runtime,
    config,
    stop: async () => {
      await app.http.close();
      await app.stop();
      await runtime.nc.drain();
    },
    crash: async () => {
      await runtime.nc.close();
      app.http.server.closeAllConnections();
      await app.http.close();
    },
  };
}

export interface Tenant {
  tenantId: string;
  key: string;
  deviceIds: string[];
}

/** A tenant with devices and an API key holding the given scopes. */
export async function seedTenant(
  runtime: ServiceRuntime,
  opts: { devices?: number; scopes?: Scope[]; owner?: string; labels?: string[][] } = {},
): Promise<Tenant> {
  const control = await ControlPlane.open(runtime.nc);
  const tenant = await control.createTenant('test tenant');
  const { key } = await control.createApiKey({
    tenantId: tenant.tenantId,
    owner: opts.owner ?? 'user@example.com',
    scopes: opts.scopes ?? ['device:read'],
  });
  const deviceIds: string[] = [];
  for (let i = 0; i < (opts.devices ?? 1); i++) {
    const device = await control.createDevice(tenant.tenantId, {
      name: `cam ${i}`,
      labels: opts.labels?.[i] ?? [],
    });
    deviceIds.push(device.deviceId);
  }
  return { tenantId: tenant.tenantId, key, deviceIds };
}

export async function addKey(
  runtime: ServiceRuntime,
  tenantId: string,
  scopes: Scope[],
  owner = 'user@example.com',
) {
  const control = await ControlPlane.open(runtime.nc);
  return (await control.createApiKey({ tenantId, owner, scopes })).key;
}

let counter = 0;

export function analysisResult(
  deviceId: string,
  detections: AnalysisResult['detections'] = [],
): AnalysisResult {
  counter++;
  return {
    deviceId,
    analysisId: `analysis-${counter}`,
    sceneId: deviceId,
    timestamp: new Date().toISOString(),
    detections,
    frameId: `frame-${process.pid}-${counter}-${Date.now()}`,
  };
}

/** Publish one analysis_result to ANALYSIS as analytics would; returns its stream sequence. */
export async function publishAnalysis(
  runtime: ServiceRuntime,
  tenantId: string,
  result: AnalysisResult,
): Promise<number> {
  const ack = await publishJson(runtime.js, subjects.analysis(tenantId, result.deviceId), result, {
    msgId: result.frameId ?? result.analysisId,
  });
  if (ack.stream !== streams.analysis.name) throw new Error(`published to ${ack.stream}`);
  return ack.seq;
}
