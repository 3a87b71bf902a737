import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@sightline/testing';

/** Write a run's figures to test-results/load/<name>.json and return the path. */
export function writeReport(name: string, figures: unknown): string {
  const dir = join(repoRoot, 'test-results', 'load');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.json`);
  writeFileSync(path, `${JSON.stringify(figures, null, 2)}\n`);
  return path;
}

/** Environment of the run, to read its figures against. */
export async function machineNote() {
  const { loadavg, cpus } = await import('node:os');
  return {
    at: new Date().toISOString(),
    cpus: cpus().length,
    loadAverage1m5m15m: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}
