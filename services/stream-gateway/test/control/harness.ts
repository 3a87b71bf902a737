import { Writable } from 'node:stream';
import { ControlPlane, RequestAuth, WebSessions } from '@sightline/auth';
import type { Scope } from '@sightline/contracts';
import { connectNats, jetstream, type NatsConnection, provisionAll } from '@sightline/nats';
import { createHttpServer, createLogger, createRegistry, type Registry } from '@sightline/service-kit';
import { startNats, type TestNats } from '@sightline/testing';
import type { FastifyInstance } from 'fastify';
import { type ControlPlaneOptions, controlPlanePlugin } from '../../src/control/index.js';

export interface Harness {
  nats: TestNats;
  nc: NatsConnection;
  control: ControlPlane;
  app: FastifyInstance;
  registry: Registry;
  /** Everything the service logged, to search for leaked secrets. */
  logs: string[];
  tenant(name?: string): Promise<TenantKeys>;
  close(): Promise<void>;
}

export interface TenantKeys {
  tenantId: string;
  key(scopes: Scope[]): Promise<string>;
  admin: string;
}

/** A real nats-server, the real control plane and the plugin mounted on the kit's HTTP server. */
export async function startHarness(options: ControlPlaneOptions = {}): Promise<Harness> {
  const nats = await startNats();
  const nc = await connectNats({ url: nats.url, name: 'control-test' });
  await provisionAll(nc);
  const control = await ControlPlane.open(nc, { keyCacheMs: 0 });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const logger = createLogger({
    service: 'stream-gateway',
    version: 'test',
    level: 'info',
    destination: sink,
  });
  const registry = createRegistry('stream-gateway');
  const app = createHttpServer({ logger, registry, readiness: { checks: {} } });
  const auth = new RequestAuth(control, {
    sessions: await WebSessions.open(nc),
    cookieName: 'sl_session',
    allowedOrigins: [],
  });
  await app.register(controlPlanePlugin, {
    control,
    auth,
    nc,
    js: jetstream(nc),
    logger,
    registry,
    options: { docs: false, ...options },
  });
  await app.ready();

  const tenant = async (name = 'Tenant'): Promise<TenantKeys> => {
    const t = await control.createTenant(name);
    const key = async (scopes: Scope[]) =>
      (await control.createApiKey({ tenantId: t.tenantId, owner: `${name}-user`, scopes })).key;
    return { tenantId: t.tenantId, key, admin: await key(['admin']) };
  };
  return {
    nats,
    nc,
    control,
    app,
    registry,
    logs,
    tenant,
    async close() {
      await app.close();
      await nc.drain();
      await nats.stop();
    },
  };
}

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
