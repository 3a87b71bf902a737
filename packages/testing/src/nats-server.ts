import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface NatsServerHandle {
  url: string;
  /** Store directory; survives restart() so JetStream state is kept. */
  storeDir: string;
  /** Kill the process (SIGKILL when hard) and start it again on the same port and store. */
  restart(options?: { hard?: boolean; downMs?: number }): Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<void>;
  start(): Promise<void>;
  /** The running server's process id (benches read its CPU time). */
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

export function findNatsServerBinary(): string | undefined {
  for (const candidate of [
    process.env.NATS_SERVER_BIN,
    'nats-server',
    '/usr/sbin/nats-server',
    '/usr/bin/nats-server',
  ]) {
    if (!candidate) continue;
    const probe = spawnSync(candidate, ['--version'], { encoding: 'utf8' });
    if (probe.status === 0) return candidate;
  }
  return undefined;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** nats-server config: JetStream on a file store, max_payload raised to fit an 8 MB frame. */
export function natsConfig(port: number, storeDir: string, extra = ''): string {
  return [
    `listen: "127.0.0.1:${port}"`,
    'max_payload: 9MB',
    'max_pending: 64MB',
    `jetstream { store_dir: "${storeDir}" }`,
    extra,
  ].join('\n');
}

export interface SpawnOptions {
  binary: string;
  port?: number;
  storeDir?: string;
  extraConfig?: string;
  /** A whole config instead of natsConfig(): given the port and the JetStream store directory. */
  config?: (port: number, jsDir: string) => string;
  /** Further files beside nats.conf (e.g. included accounts), by name. */
  files?: Record<string, string>;
  /** Environment of the server process (the shipped config reads passwords from it). */
  env?: NodeJS.ProcessEnv;
  /** Keep the store after stop() (the local stack keeps its data under .sightline/). */
  keepStore?: boolean;
  log?: (line: string) => void;
}

/** Start a real nats-server process with JetStream and wait until it accepts connections. */
export async function spawnNatsServer(options: SpawnOptions): Promise<NatsServerHandle> {
  const port = options.port ?? (await freePort());
  const storeDir = options.storeDir ?? mkdtempSync(join(tmpdir(), 'sightline-nats-'));
  mkdirSync(storeDir, { recursive: true });
  const confPath = join(storeDir, 'nats.conf');
  const jsDir = join(storeDir, 'js');
  writeFileSync(
    confPath,
    options.config ? options.config(port, jsDir) : natsConfig(port, jsDir, options.extraConfig),
  );
  for (const [name, text] of Object.entries(options.files ?? {}))
    writeFileSync(join(storeDir, name), text, { mode: 0o600 });
  let child: ChildProcess | undefined;

  const start = async () => {
    child = spawn(options.binary, ['-c', confPath], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: options.env ?? process.env,
    });
    await waitForReady(child, options.log);
  };
  const kill = async (signal: NodeJS.Signals = 'SIGTERM') => {
    const proc = child;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill(signal);
    await exited;
  };

  await start();
  return {
    url: `nats://127.0.0.1:${port}`,
    storeDir,
    start,
    kill,
    get pid() {
      return child?.exitCode === null ? child.pid : undefined;
    },
    async restart(opts = {}) {
      await kill(opts.hard ? 'SIGKILL' : 'SIGTERM');
      if (opts.downMs) await new Promise((r) => setTimeout(r, opts.downMs));
      await start();
    },
    async stop() {
      await kill();
      if (!options.keepStore) rmSync(storeDir, { recursive: true, force: true });
    },
  };
}

function waitForReady(child: ChildProcess, log?: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => reject(new Error(`nats-server did not start in 15 s:\n${output}`)),
      15_000,
    );
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      output += text;
      log?.(text.trimEnd());
      if (text.includes('Server is ready')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`nats-server exited with code ${code}:\n${output}`));
    });
  });
}
