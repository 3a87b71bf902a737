import type { FastifyInstance } from 'fastify';
import { bootService, type ServiceRuntime } from './boot.js';
import { onShutdown } from './shutdown.js';

/** What a service's `buildApp(deps)` returns: an HTTP app that is not yet listening, plus background work. */
export interface ServiceApp {
  http: FastifyInstance;
  /** Start consumers and subscriptions (after the HTTP server listens). */
  start(): Promise<void>;
  /** Close streams and sockets, stop consumers; called after the HTTP server stops accepting. */
  stop(): Promise<void>;
}

/** The config fields runService reads; every service's config extends BaseEnv and adds PORT. */
export interface BaseServiceConfig {
  NATS_URL: string;
  NATS_USER?: string;
  NATS_PASS?: string;
  LOG_LEVEL: string;
  HOST: string;
  PORT: number;
  SHUTDOWN_TIMEOUT_MS: number;
}

export interface RunOptions<C extends BaseServiceConfig> {
  service: string;
  version: string;
  config: C;
  build: (runtime: ServiceRuntime, config: C) => Promise<ServiceApp>;
}

/**
 * The whole of a service's main: boot, build, listen, start, and on SIGTERM shut down in the
 * documented order under the watchdog. Exits non-zero with a clear log line if start fails.
 */
export async function runService<C extends BaseServiceConfig>(options: RunOptions<C>): Promise<void> {
  const { config } = options;
  const runtime = await bootService({
    service: options.service,
    version: options.version,
    logLevel: config.LOG_LEVEL,
    natsUrl: config.NATS_URL,
    natsUser: config.NATS_USER,
    natsPass: config.NATS_PASS,
  });
  const app = await options.build(runtime, config);
  let ready = true;
  app.http.addHook('onClose', async () => {
    ready = false;
  });
  await app.http.listen({ host: config.HOST, port: config.PORT });
  await app.start();
  runtime.logger.info({ port: config.PORT, ready }, `${options.service} started`);
  onShutdown(runtime.logger, config.SHUTDOWN_TIMEOUT_MS, [
    { name: 'stop accepting and close connections', run: () => app.http.close() },
    { name: 'stop consumers and streams', run: () => app.stop() },
    { name: 'drain NATS', run: () => runtime.nc.drain() },
  ]);
}

/** For main.ts: log the start failure (e.g. a config error naming the variable) and exit 1. */
export function exitOnStartFailure(service: string) {
  return (err: unknown) => {
    process.stderr.write(
      `${JSON.stringify({ level: 'fatal', service, msg: 'failed to start', err: String((err as Error)?.message ?? err) })}\n`,
    );
    process.exit(1);
  };
}
