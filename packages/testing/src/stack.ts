import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from './nats-server.js';
import { repoRoot } from './paths.js';

export const serviceNames = [
  'ingest',
  'inference',
  'analytics-aggregation',
  'chat-llm',
  'stream-gateway',
] as const;
export type ServiceName = (typeof serviceNames)[number];

/**
 * Services that accept the dashboard's session cookie: on the stack's plain http they all read the
 * prefix-less name (SESSION_COOKIE_SECURE=false), as the gateway sets it.
 */
const readsSessionCookie = new Set<ServiceName>(['stream-gateway', 'chat-llm', 'ingest']);

export interface StackOptions {
  natsUrl: string;
  /** Fixed ports; free ports are picked for those not given. */
  ports?: Partial<Record<ServiceName, number>>;
  /** Extra environment for every service, or per service. */
  env?: Record<string, string>;
  serviceEnv?: Partial<Record<ServiceName, Record<string, string>>>;
  /** Receives every log line of every service (JSON from pino), prefixed by nothing. */
  onLog?: (service: ServiceName, line: string) => void;
  services?: readonly ServiceName[];
  /** Each service's own NATS user (deploy/nats/accounts.conf); none: unauthenticated NATS. */
  natsCredentials?: Partial<Record<ServiceName, { user: string; pass: string }>>;
}

export interface RunningStack {
  urls: Record<ServiceName, string>;
  /** Every log line each service wrote, for assertions such as "no secret was logged". */
  logs: Record<ServiceName, string[]>;
  kill(service: ServiceName, signal?: NodeJS.Signals): Promise<void>;
  start(service: ServiceName): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Run the real services as child processes (tsx src/main.ts), each on its own port, against one
 * NATS. Waits until each answers /readyz. Used by the e2e tests and by `pnpm up`.
 */
export async function startStack(options: StackOptions): Promise<RunningStack> {
  const names = options.services ?? serviceNames;
  const ports = {} as Record<ServiceName, number>;
  for (const name of serviceNames) ports[name] = options.ports?.[name] ?? (await freePort());
  const urls = Object.fromEntries(serviceNames.map((n) => [n, `http://127.0.0.1:${ports[n]}`])) as Record<
    ServiceName,
    string
  >;
  const logs = Object.fromEntries(serviceNames.map((n) => [n, [] as string[]])) as Record<
    ServiceName,
    string[]
  >;
  const children = new Map<ServiceName, ChildProcess>();
  // node itself with tsx as a loader, not the tsx CLI: the CLI runs the service in a child
  // process, so a SIGKILL of the CLI would leave the real service running.
  const tsxLoader = join(repoRoot, 'node_modules', 'tsx', 'dist', 'loader.mjs');

  const start = async (name: ServiceName) => {
    const child = spawn(
      process.execPath,
      ['--import', tsxLoader, join(repoRoot, 'services', name, 'src', 'main.ts')],
      {
        cwd: join(repoRoot, 'services', name),
        env: {
          ...process.env,
          NATS_URL: options.natsUrl,
          PORT: String(ports[name]),
          HOST: '127.0.0.1',
          // One public origin: the gateway forwards chat and frame routes to their services.
          ...(name === 'stream-gateway'
            ? { CHAT_UPSTREAM_URL: urls['chat-llm'], INGEST_UPSTREAM_URL: urls.ingest }
            : {}),
          // Plain http on 127.0.0.1: not every browser keeps a Secure cookie there.
          ...(readsSessionCookie.has(name) ? { SESSION_COOKIE_SECURE: 'false' } : {}),
          ...natsLogin(options.natsCredentials?.[name]),
          ...options.env,
          ...options.serviceEnv?.[name],
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    children.set(name, child);
    const collect = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (!line) continue;
        logs[name].push(line);
        options.onLog?.(name, line);
      }
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    await waitReady(name, urls[name], child, logs[name]);
  };

  const kill = async (name: ServiceName, signal: NodeJS.Signals = 'SIGTERM') => {
    const child = children.get(name);
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    await exited;
  };

  try {
    await Promise.all(names.map(start));
  } catch (err) {
    await Promise.all(names.map((n) => kill(n, 'SIGKILL')));
    throw err;
  }
  return {
    urls,
    logs,
    kill,
    start,
    stop: async () => {
      await Promise.all(names.map((n) => kill(n)));
    },
  };
}

async function waitReady(name: string, url: string, child: ChildProcess, logs: string[]): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`${name} exited with code ${child.exitCode}:\n${logs.slice(-20).join('\n')}`);
    }
    try {
      const res = await fetch(`${url}/readyz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${name} not ready at ${url} within 60 s:\n${logs.slice(-20).join('\n')}`);
}

function natsLogin(credentials: { user: string; pass: string } | undefined): Record<string, string> {
  return credentials ? { NATS_USER: credentials.user, NATS_PASS: credentials.pass } : {};
}
