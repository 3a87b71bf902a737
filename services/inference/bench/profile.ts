import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

/**
 * A V8 CPU profile of this process's main thread between start and stop, written as a
 * `.cpuprofile` (open it in Chrome DevTools or speedscope). `node --cpu-prof` would cover the
 * whole bench: the queueing of frames and the bare loops would drown the pipeline's own samples.
 */
export async function mainThreadProfiler(file: string | undefined): Promise<{ stop(): Promise<void> }> {
  if (!file) return { stop: async () => {} };
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    async stop() {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}
