/**
 * `pnpm start` (or ./scripts/up.sh on a fresh machine): the whole stack on this machine.
 * NATS: NATS_URL if set, else a local `nats-server -js` with its store under .sightline/nats.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDashboardBuilt } from '@sightline/dashboard';
import { connectNats, provisionAll } from '@sightline/nats';
import {
  dataDir,
  findNatsServerBinary,
  freePort,
  modelsDir,
  repoRoot,
  type ServiceName,
  startAccountsNats,
  startStack,
} from '@sightline/testing';
import { demoFrames, startDemoCamera } from './lib/demo-camera.js';
import { ensureDemoTenant } from './lib/demo-tenant.js';

const stateDir = join(repoRoot, '.sightline');
const defaultPorts: Record<ServiceName, number> = {
  'stream-gateway': 8080,
  ingest: 8081,
  'chat-llm': 8082,
  inference: 8083,
  'analytics-aggregation': 8084,
};

async function portOrFree(port: number): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const srv = createServer()
      .once('error', () => resolve(freePort()))
      .listen(port, '127.0.0.1', () => srv.close(() => resolve(port)));
  });
}

/**
 * NATS_URL if set; else a local nats-server with the shipped accounts (deploy/nats): every
 * service logs in as its own user with only its subjects, as in production.
 */
async function startNatsForStack() {
  if (process.env.NATS_URL) return { url: process.env.NATS_URL, stop: async () => {} };
  const binary = findNatsServerBinary();
  if (!binary) {
    throw new Error('nats-server not found: install it ("sudo apt-get install nats-server") or set NATS_URL');
  }
  const accounts = await startAccountsNats({
    binary,
    port: await portOrFree(4222),
    storeDir: join(stateDir, 'nats'),
    keepStore: true,
  });
  return {
    url: accounts.url,
    mqttUrl: accounts.mqttUrl,
    admin: accounts.admin,
    services: accounts.services,
    stop: accounts.stop,
  };
}

async function main() {
  if (!existsSync(modelsDir)) throw new Error(`models not found at ${modelsDir}: set SIGHTLINE_MODELS_DIR`);
  await ensureDashboardBuilt();
  const nats = await startNatsForStack();
  console.log(`NATS          ${nats.url}${'mqttUrl' in nats ? ` (MQTT ${nats.mqttUrl})` : ''}`);
  const ports = {} as Record<ServiceName, number>;
  for (const [name, port] of Object.entries(defaultPorts))
    ports[name as ServiceName] = await portOrFree(port);
  // Provision as the NATS admin before the services start: only admin may re-create a stream
  // whose settings changed (FRAMES on an older store), which the services' users may not.
  const nc = await connectNats({
    url: nats.url,
    name: 'local-stack',
    ...('admin' in nats ? nats.admin : {}),
  });
  for (const r of await provisionAll(nc)) console.log(`stream ${r.stream} re-created: ${r.reason}`);
  const stack = await startStack({
    natsUrl: nats.url,
    natsCredentials: 'services' in nats ? nats.services : undefined,
    ports,
    env: {
      SIGHTLINE_MODELS_DIR: modelsDir,
      SIGHTLINE_DATA_DIR: dataDir,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    },
    onLog: (service, line) => {
      if (/"level":(40|50|60)/.test(line)) console.log(`[${service}] ${line}`);
    },
  });

  const demo = await ensureDemoTenant(nc, join(stateDir, 'demo.json'), {
    gatewayUrl: stack.urls['stream-gateway'],
    ingestUrl: stack.urls.ingest,
    chatUrl: stack.urls['chat-llm'],
  });
  const stopCamera = startDemoCamera({
    ingestUrl: demo.ingestUrl,
    apiKey: demo.apiKey,
    deviceId: demo.deviceId,
    fps: 2,
    frames: await demoFrames(dataDir),
    onError: (err) => console.error(`[demo camera] ${String(err)}`),
  });

  console.log(`Dashboard     ${demo.gatewayUrl}/`);
  console.log(`Gateway API   ${demo.gatewayUrl}/api/v1`);
  console.log(`Ingest        ${demo.ingestUrl}`);
  console.log(`Chat          ${demo.chatUrl}/chats`);
  console.log(`Demo key      ${demo.apiKey}`);
  console.log(`Demo device   ${demo.deviceId} (a camera looping real frames at 2 fps)`);
  console.log('Written to    .sightline/demo.json');
  console.log(
    `Try:          curl -N -H "Authorization: Bearer $(jq -r .apiKey .sightline/demo.json)" ${demo.gatewayUrl}/api/v1/devices/${demo.deviceId}/analysis/stream`,
  );
  console.log('Ctrl-C stops everything.');

  const shutdown = async () => {
    stopCamera();
    await nc.drain().catch(() => {});
    await stack.stop();
    await nats.stop();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((err) => {
  console.error(String(err?.message ?? err));
  process.exit(1);
});
