import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { servicesDir } from './paths.js';

export interface Route {
  method: string;
  path: string;
  file: string;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return tsFiles(full);
    return name.endsWith('.ts') ? [full] : [];
  });
}

// `app.get('/x', …)`, `scope.post<{…}>(\n '/x'`, and `.route({ method: 'GET', url: '/x' })`.
const shorthand = /\.\s*(get|post|put|delete|patch|head|all)\s*(?:<[^>()]*>)?\s*\(\s*(['"`])(\/[^'"`]*)\2/g;
const routeCall = /\.route\s*\(\s*\{[^}]*?method:\s*\[?\s*['"`](\w+)['"`][^}]*?url:\s*(['"`])(\/[^'"`]*)\2/g;
const routeCallUrlFirst =
  /\.route\s*\(\s*\{[^}]*?url:\s*(['"`])(\/[^'"`]*)\1[^}]*?method:\s*\[?\s*['"`](\w+)['"`]/g;
const prefixed = /prefix:\s*['"`]\//;

/**
 * The HTTP routes a service registers, read from its source (src/, recursively). Registration
 * with a `prefix` is refused so a route can never be read without it.
 */
export function routesOf(service: string): Route[] {
  const routes: Route[] = [];
  for (const file of tsFiles(join(servicesDir, service, 'src'))) {
    // The gateway's local one-origin forwarders (CHAT_UPSTREAM_URL, INGEST_UPSTREAM_URL) stand in
    // for the Ingress on a laptop; in a cluster they are off and the Ingress routes those paths.
    if (file.endsWith(join('handlers', 'upstream-proxy.ts'))) continue;
    const text = readFileSync(file, 'utf8');
    if (prefixed.test(text))
      throw new Error(`${file}: routes registered under a prefix; teach routes.ts about it`);
    for (const m of text.matchAll(shorthand)) routes.push({ method: m[1]!.toUpperCase(), path: m[3]!, file });
    for (const m of text.matchAll(routeCall)) routes.push({ method: m[1]!.toUpperCase(), path: m[3]!, file });
    for (const m of text.matchAll(routeCallUrlFirst))
      routes.push({ method: m[3]!.toUpperCase(), path: m[2]!, file });
  }
  const unique = new Map(routes.map((r) => [`${r.method} ${r.path}`, r]));
  return [...unique.values()];
}

/** The routes every service gets from service-kit's createHttpServer: never public. */
export const internalPaths = new Set(['/healthz', '/readyz', '/metrics']);

/** A concrete request path for a route pattern: `:param` and `*` become sample segments. */
export function samplePath(pattern: string): string {
  return pattern.replace(/:[A-Za-z0-9_]+/g, 'x1').replace(/\*/g, 'x1/x2');
}
