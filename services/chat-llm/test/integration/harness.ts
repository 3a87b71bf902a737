import { ControlPlane } from '@sightline/auth';
import type { Device } from '@sightline/contracts';
import { bootService, type ServiceApp, type ServiceRuntime } from '@sightline/service-kit';
import { startNats, type TestNats } from '@sightline/testing';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { TurnRecord } from '../../src/domain/turn.js';
import { AnalyticsContractResponder } from '../fixtures/analytics-contract-responder.js';

export interface Harness {
  url: string;
  nats: TestNats;
  runtime: ServiceRuntime;
  app: ServiceApp;
  control: ControlPlane;
  tenantId: string;
  /** Keys: chat:write, analytics:read only, device:read only (no chat scope). */
  keys: { writer: string; reader: string; noScope: string };
  devices: Device[];
  responder: AnalyticsContractResponder;
  turns: TurnRecord[];
  newTenant(name: string): Promise<{ tenantId: string; writer: string }>;
  stop(): Promise<void>;
}

/** The real service (buildApp) on a real nats-server, listening on a free port. */
export async function startHarness(
  env: Record<string, string> = {},
  deviceNames: string[] = ['大門', 'Lobby camera'],
  nats?: TestNats,
  /** false when a real analytics service answers the queries instead of the fixture. */
  withResponder = true,
): Promise<Harness> {
  const ownNats = !nats;
  const server = nats ?? (await startNats());
  const runtime = await bootService({
    service: 'chat-llm',
    version: 'test',
    logLevel: 'silent',
    natsUrl: server.url,
  });
  const turns: TurnRecord[] = [];
  const config = loadConfig({
    NATS_URL: server.url,
    LOG_LEVEL: 'silent',
    ANALYTICS_TIMEOUT_MS: '3000',
    ...env,
  });
  const app = await buildApp(runtime, config, { onTurn: (t) => turns.push(t) });
  await app.http.listen({ host: '127.0.0.1', port: 0 });
  const address = app.http.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  const control = await ControlPlane.open(runtime.nc, { keyCacheMs: 0 });
  const newTenant = async (name: string) => {
    const tenant = await control.createTenant(name);
    const writer = await control.createApiKey({
      tenantId: tenant.tenantId,
      owner: `${name}-user`,
      scopes: ['chat:write'],
    });
    return { tenantId: tenant.tenantId, writer: writer.key };
  };
  const { tenantId, writer } = await newTenant('acme');
  const reader = await control.createApiKey({ tenantId, owner: 'viewer', scopes: ['analytics:read'] });
  const noScope = await control.createApiKey({ tenantId, owner: 'camera', scopes: ['device:read'] });
  const devices: Device[] = [];
  for (const name of deviceNames) devices.push(await control.createDevice(tenantId, { name }));

  const responder = new AnalyticsContractResponder();
  if (withResponder) responder.start(runtime.nc);
  await runtime.nc.flush();
  return {
    url: `http://127.0.0.1:${port}`,
    nats: server,
    runtime,
    app,
    control,
    tenantId,
    keys: { writer, reader: reader.key, noScope: noScope.key },
    devices,
    responder,
    turns,
    newTenant,
    async stop() {
      responder.stop();
      // A test may have closed it already (shutdown test).
      await app.http.close().catch(() => undefined);
      await app.stop();
      await runtime.nc.drain();
      if (ownNats) await server.stop();
    },
  };
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests read fields of whatever JSON came back
  body: any;
}

export async function api(
  h: Harness,
  method: string,
  path: string,
  key?: string,
  body?: unknown,
): Promise<ApiResponse> {
  const res = await fetch(`${h.url}${path}`, {
    method,
    headers: {
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}
