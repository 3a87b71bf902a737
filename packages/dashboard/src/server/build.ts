import { spawn } from 'node:child_process';
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { defaultDistDir, packageDir } from './paths.js';

/** Newest modification time (ms) of a file or of any file under a directory. */
function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

/** True when dist is missing or older than any browser source, index.html or the vite config. */
export function dashboardIsStale(distDir = defaultDistDir): boolean {
  const built = join(distDir, 'index.html');
  if (!existsSync(built)) return true;
  const sources = ['src/client', 'index.html', 'vite.config.ts'].map((p) => newestMtime(join(packageDir, p)));
  return Math.max(...sources) > statSync(built).mtimeMs;
}

function runViteBuild(outDir: string): Promise<void> {
  const vite = join(packageDir, 'node_modules', '.bin', 'vite');
  return new Promise((resolve, reject) => {
    const child = spawn(vite, ['build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'], {
      cwd: packageDir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`vite build failed (exit ${code}):\n${output.slice(-4000)}`)),
    );
  });
}

let building: Promise<void> | undefined;

/**
 * Runs `vite build` when dist is missing or older than src (local stack and tests). Builds into
 * a fresh directory and swaps it in, so a server already serving dist never sees it half written.
 */
export function ensureDashboardBuilt(distDir = defaultDistDir): Promise<void> {
  if (!dashboardIsStale(distDir)) return Promise.resolve();
  building ??= (async () => {
    const fresh = `${distDir}.build-${process.pid}`;
    try {
      await runViteBuild(fresh);
      try {
        rmSync(distDir, { recursive: true, force: true });
        renameSync(fresh, distDir);
      } catch (err) {
        // Another process (a parallel test project) swapped in its build first: that one will do.
        if (dashboardIsStale(distDir)) throw err;
      }
    } finally {
      rmSync(fresh, { recursive: true, force: true });
      building = undefined;
    }
  })();
  return building;
}
