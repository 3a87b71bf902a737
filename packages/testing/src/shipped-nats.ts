import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, type NatsServerHandle, spawnNatsServer } from './nats-server.js';
import { repoRoot } from './paths.js';
import type { ServiceName } from './stack.js';

/** The NATS user of each service in deploy/nats/accounts.conf. */
export const natsUserOf: Record<ServiceName, string> = {
  ingest: 'ingest',
  inference: 'inference',
  'analytics-aggregation': 'analytics',
  'chat-llm': 'chat',
  'stream-gateway': 'gateway',
};

export interface Credentials {
  user: string;
  pass: string;
}

export interface AccountsNats {
  url: string;
  /** NATS's MQTT listener (tenants follow their events with MQTT tools). */
  mqttUrl: string;
  server: NatsServerHandle;
  /** Operations user (provisioning, the CLI, demo setup). */
  admin: Credentials;
  /** Each service's own user, limited to its subjects. */
  services: Record<ServiceName, Credentials>;
  stop(): Promise<void>;
}

function replaceOnce(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`deploy/nats/nats.conf no longer contains ${from}`);
  return text.replace(from, to);
}

/**
 * nats-server with the shipped accounts and per-service permissions (deploy/nats), on local
 * ports and a local store, with fresh random passwords: the local stack and the end-to-end tests
 * run under the same permissions as production.
 */
export async function startAccountsNats(options: {
  binary: string;
  port?: number;
  storeDir?: string;
  keepStore?: boolean;
}): Promise<AccountsNats> {
  const deployNats = join(repoRoot, 'deploy', 'nats');
  // nats-server parses `$VAR` values as config tokens: a value starting with a digit would be read
  // as a number and fail. A letter prefix and hex keep every password a plain string.
  const password = () => `pw${randomBytes(18).toString('hex')}`;
  const services = Object.fromEntries(
    Object.entries(natsUserOf).map(([name, user]) => [name, { user, pass: password() }]),
  ) as Record<ServiceName, Credentials>;
  const admin = { user: 'admin', pass: password() };
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NATS_PASS_SYS: password(),
    NATS_PASS_ADMIN: admin.pass,
    ...Object.fromEntries(Object.values(services).map((c) => [`NATS_PASS_${c.user.toUpperCase()}`, c.pass])),
  };
  const shipped = readFileSync(join(deployNats, 'nats.conf'), 'utf8');
  const mqttPort = await freePort();
  const server = await spawnNatsServer({
    binary: options.binary,
    port: options.port,
    storeDir: options.storeDir,
    keepStore: options.keepStore,
    env,
    files: {
      'accounts.conf': readFileSync(join(deployNats, 'accounts.conf'), 'utf8'),
      // Tenants' MQTT logins are added by an operator (deploy/nats/mqtt-tenants.sh); none yet.
      'mqtt-tenants.conf': 'users: []\n',
    },
    config: (port, jsDir) => {
      let conf = replaceOnce(shipped, '"0.0.0.0:4222"', `"127.0.0.1:${port}"`);
      conf = replaceOnce(conf, 'http: "0.0.0.0:8222"', '');
      conf = replaceOnce(conf, '"0.0.0.0:1883"', `"127.0.0.1:${mqttPort}"`);
      return replaceOnce(conf, '"/data/jetstream"', `"${jsDir}"`);
    },
  });
  return {
    url: server.url,
    mqttUrl: `mqtt://127.0.0.1:${mqttPort}`,
    server,
    admin,
    services,
    stop: () => server.stop(),
  };
}
