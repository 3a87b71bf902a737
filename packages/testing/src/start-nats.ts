import { findNatsServerBinary, type NatsServerHandle, spawnNatsServer } from './nats-server.js';

export interface TestNats {
  url: string;
  /** Present when this harness owns the server (not when NATS_URL was given). */
  server?: NatsServerHandle;
  stop(): Promise<void>;
}

/**
 * Real NATS for tests, never a mock: NATS_URL if set, else a local `nats-server -js` on a free
 * port with a temporary store, else a testcontainers NATS where Docker runs.
 */
export async function startNats(): Promise<TestNats> {
  const fromEnv = process.env.NATS_URL;
  if (fromEnv) return { url: fromEnv, stop: async () => {} };

  const binary = findNatsServerBinary();
  if (binary) {
    const server = await spawnNatsServer({ binary });
    return { url: server.url, server, stop: () => server.stop() };
  }

  try {
    const { GenericContainer, Wait } = await import('testcontainers');
    const container = await new GenericContainer('nats:2.10-alpine')
      .withCommand(['-js', '--max_payload', '9MB'])
      .withExposedPorts(4222)
      .withWaitStrategy(Wait.forLogMessage(/Server is ready/))
      .start();
    return {
      url: `nats://${container.getHost()}:${container.getMappedPort(4222)}`,
      stop: async () => {
        await container.stop();
      },
    };
  } catch (err) {
    throw new Error(
      'No NATS for tests: set NATS_URL, or install nats-server (Debian/Ubuntu: "apt-get install nats-server"; ' +
        `or download it from the NATS releases), or run Docker for testcontainers. (${String(err)})`,
    );
  }
}
