import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { ControlPlane } from '@sightline/auth';
import { connectNats, type NatsConnection, provisionAll } from '@sightline/nats';
import {
  dataDir,
  freePort,
  modelsDir,
  type RunningStack,
  repoRoot,
  startNats,
  startStack,
  type TestNats,
  waitFor,
} from '@sightline/testing';
import { ensureDashboardBuilt } from '../../../packages/dashboard/src/server/index.js';
import { campusFrames, startCamera } from './camera.js';

export interface BrowserStack {
  /** The origin the browser opens: the gateway when it serves the dashboard. */
  origin: string;
  /** Whether `origin` is the gateway itself (else a `vite preview` front routed like it). */
  servedByGateway: boolean;
  stack: RunningStack;
  apiKey: string;
  tenantId: string;
  deviceId: string;
  deviceName: string;
  cameraErrors: string[];
  stop(): Promise<void>;
}

async function gatewayServesDashboard(gateway: string): Promise<boolean> {
  try {
    const res = await fetch(`${gateway}/`);
    return (
      res.ok &&
      (res.headers.get('content-type') ?? '').includes('text/html') &&
      res.headers.has('content-security-policy')
    );
  } catch {
    return false;
  }
}

/** `vite preview` of the built dashboard, proxying the APIs to the stack exactly as the gateway routes them. */
async function startPreviewFront(stack: RunningStack): Promise<{ origin: string; child: ChildProcess }> {
  const port = await freePort();
  const dashboard = join(repoRoot, 'packages', 'dashboard');
  const child = spawn(
    join(dashboard, 'node_modules', '.bin', 'vite'),
    ['preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort'],
    {
      cwd: dashboard,
      env: {
        ...process.env,
        SIGHTLINE_GATEWAY_URL: stack.urls['stream-gateway'],
        SIGHTLINE_CHAT_URL: stack.urls['chat-llm'],
        SIGHTLINE_INGEST_URL: stack.urls.ingest,
      },
      stdio: 'ignore',
    },
  );
  const origin = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(origin)).ok, {
    timeoutMs: 30_000,
    intervalMs: 200,
    what: 'vite preview',
  });
  return { origin, child };
}

/**
 * NATS, the five real services, a tenant with a key and one camera made through the control
 * plane, and that camera posting real frames (a MOT sequence of people walking) into ingest.
 */
export async function startBrowserStack(): Promise<BrowserStack> {
  await ensureDashboardBuilt();
  // Undo steps of a start that fails half way, so no NATS or service outlives the test run.
  const undo: Array<() => Promise<void> | void> = [];
  const stopAll = async () => {
    for (const step of undo.reverse()) await Promise.resolve(step()).catch(() => {});
  };
  try {
    const nats: TestNats = await startNats();
    undo.push(() => nats.stop());
    const nc: NatsConnection = await connectNats({ url: nats.url, name: 'browser-tests' });
    undo.push(() => nc.drain());
    await provisionAll(nc);
    const control = await ControlPlane.open(nc);
    const tenant = await control.createTenant('browser');
    const { key } = await control.createApiKey({
      tenantId: tenant.tenantId,
      owner: 'operator',
      name: 'browser tests',
      scopes: ['device:read', 'device:write', 'analytics:read', 'frames:write', 'chat:write'],
    });
    const device = await control.createDevice(tenant.tenantId, {
      name: 'Campus walkway',
      labels: ['browser'],
      detectFps: 3,
    });
    const stack = await startStack({
      natsUrl: nats.url,
      env: { SIGHTLINE_MODELS_DIR: modelsDir, SIGHTLINE_DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
    });
    undo.push(() => stack.stop());
    const cameraErrors: string[] = [];
    undo.push(
      startCamera({
        ingestUrl: stack.urls.ingest,
        apiKey: key,
        deviceId: device.deviceId,
        fps: 3,
        frames: campusFrames(),
        errors: cameraErrors,
      }),
    );
    const gateway = stack.urls['stream-gateway'];
    const servedByGateway = await gatewayServesDashboard(gateway);
    // SIGHTLINE_BROWSER_FRONT=preview forces the vite preview front (to try the UI while the
    // gateway's proxying is not wired); by default the gateway is the front whenever it can be.
    const usePreview = !servedByGateway || process.env.SIGHTLINE_BROWSER_FRONT === 'preview';
    const front = usePreview ? await startPreviewFront(stack) : undefined;
    if (front) undo.push(() => void front.child.kill('SIGTERM'));
    return {
      origin: front?.origin ?? gateway,
      servedByGateway,
      stack,
      apiKey: key,
      tenantId: tenant.tenantId,
      deviceId: device.deviceId,
      deviceName: device.name,
      cameraErrors,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
