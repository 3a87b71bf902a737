import type { Logger } from 'pino';

export interface ShutdownStep {
  name: string;
  run: () => Promise<unknown> | unknown;
}

/**
 * Run the shutdown steps in order (mark not ready → stop accepting → close streams → drain
 * NATS → flush logs) under a watchdog: if they take longer than the timeout the process exits
 * anyway, with a non-zero code.
 */
export function onShutdown(
  logger: Logger,
  timeoutMs: number,
  steps: ShutdownStep[],
): (signal: string) => Promise<void> {
  let running: Promise<void> | undefined;
  const shutdown = (signal: string) => {
    if (running) return running;
    running = (async () => {
      logger.info({ signal }, 'shutting down');
      const watchdog = setTimeout(() => {
        logger.error({ timeoutMs }, 'shutdown watchdog fired; exiting');
        process.exit(1);
      }, timeoutMs);
      watchdog.unref();
      for (const step of steps) {
        try {
          await step.run();
        } catch (err) {
          logger.warn({ err, step: step.name }, 'shutdown step failed');
        }
      }
      clearTimeout(watchdog);
      logger.info('shutdown complete');
      logger.flush?.();
    })();
    return running;
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      void shutdown(signal).then(() => process.exit(0));
    });
  }
  return shutdown;
}
