import {
  connectNats,
  type JetStreamClient,
  jetstream,
  type NatsConnection,
  provisionAll,
} from '@sightline/nats';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { createLogger } from './logger.js';
import { createRegistry } from './metrics.js';

export interface ServiceRuntime {
  logger: Logger;
  registry: Registry;
  nc: NatsConnection;
  js: JetStreamClient;
  /** True while the NATS connection is up; feeds /readyz. */
  natsConnected: () => boolean;
}

export interface BootOptions {
  service: string;
  version: string;
  logLevel: string;
  natsUrl: string;
  natsUser?: string;
  natsPass?: string;
}

/** The start every service shares: logger, metrics registry, NATS (with retry), provisioning. */
export async function bootService(options: BootOptions): Promise<ServiceRuntime> {
  const logger = createLogger({
    service: options.service,
    version: options.version,
    level: options.logLevel,
  });
  const registry = createRegistry(options.service);
  let connected = false;
  logger.info({ nats: options.natsUrl.replace(/\/\/[^@]*@/, '//') }, 'connecting to NATS');
  const nc = await connectNats({
    url: options.natsUrl,
    name: options.service,
    user: options.natsUser,
    pass: options.natsPass,
    onStatus: ({ type }) => {
      if (type === 'disconnect') connected = false;
      if (type === 'reconnect') connected = true;
      if (type === 'disconnect' || type === 'reconnect') logger.warn({ type }, 'NATS connection status');
    },
  });
  connected = true;
  // A stream re-created on an upgrade dropped what it held, or could not be (only admin may
  // delete streams) and runs as before: say so once.
  for (const r of await provisionAll(nc)) {
    if (r.done) logger.warn(r, 'stream re-created to match its spec');
    else
      logger.error(r, 'stream differs from its spec; provision once as the NATS admin (docs/reliability.md)');
  }
  return { logger, registry, nc, js: jetstream(nc), natsConnected: () => connected && !nc.isClosed() };
}
