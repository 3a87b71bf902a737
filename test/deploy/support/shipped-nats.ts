import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findNatsServerBinary, freePort } from '@sightline/testing';
import { deployDir, services } from './paths.js';

export const natsBinary = (): string => {
  const binary = findNatsServerBinary();
  if (!binary) throw new Error('nats-server not found: install it ("apt-get install nats-server")');
  return binary;
};

/** One password per NATS user of accounts.conf, as the server reads them: from its environment. */
export function natsPasswords(): Record<string, string> {
  const env: Record<string, string> = { NATS_PASS_SYS: 'sys-pw', NATS_PASS_ADMIN: 'admin-pw' };
  for (const s of services) env[`NATS_PASS_${s.natsUser.toUpperCase()}`] = `${s.natsUser}-pw`;
  return env;
}

export const mqttTenants = [
  { tenant: 'tenantA', user: 'mqtt-a', password: 'pw-a' },
  { tenant: 'tenantB', user: 'mqtt-b', password: 'pw-b' },
];

/** Replace one line of the shipped config; fails loudly when the shipped file changed shape. */
function replaceOnce(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`deploy/nats/nats.conf no longer contains ${from}`);
  return text.replace(from, to);
}

export interface ShippedNats {
  dir: string;
  confPath: string;
  natsUrl: string;
  mqttUrl: string;
  env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

/**
 * The shipped deploy/nats config in a temp dir: free ports, a temp store, and the MQTT logins
 * written by the shipped mqtt-tenants.sh. Nothing else changes.
 */
export async function prepareShippedNats(): Promise<Omit<ShippedNats, 'stop'>> {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-deploy-nats-'));
  const [port, http, mqtt] = [await freePort(), await freePort(), await freePort()];
  let conf = readFileSync(join(deployDir, 'nats/nats.conf'), 'utf8');
  conf = replaceOnce(conf, '"0.0.0.0:4222"', `"127.0.0.1:${port}"`);
  conf = replaceOnce(conf, '"0.0.0.0:8222"', `"127.0.0.1:${http}"`);
  conf = replaceOnce(conf, '"0.0.0.0:1883"', `"127.0.0.1:${mqtt}"`);
  conf = replaceOnce(conf, '"/data/jetstream"', `"${join(dir, 'js')}"`);
  const confPath = join(dir, 'nats.conf');
  writeFileSync(confPath, conf);
  copyFileSync(join(deployDir, 'nats/accounts.conf'), join(dir, 'accounts.conf'));
  const tenantsText = mqttTenants.map((t) => `${t.tenant} ${t.user} ${t.password}`).join('\n');
  const users = execFileSync(join(deployDir, 'nats/mqtt-tenants.sh'), {
    input: `${tenantsText}\n`,
    encoding: 'utf8',
  });
  writeFileSync(join(dir, 'mqtt-tenants.conf'), users);
  return {
    dir,
    confPath,
    natsUrl: `nats://127.0.0.1:${port}`,
    mqttUrl: `mqtt://127.0.0.1:${mqtt}`,
    env: { ...process.env, ...natsPasswords() },
  };
}

export async function startShippedNats(): Promise<ShippedNats> {
  const prepared = await prepareShippedNats();
  const child = spawn(natsBinary(), ['-c', prepared.confPath], {
    env: prepared.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await waitForReady(child);
  return {
    ...prepared,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(prepared.dir, { recursive: true, force: true });
    },
  };
}

function waitForReady(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Server is ready')) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`nats-server exited with ${code}:\n${output}`)));
  });
}
