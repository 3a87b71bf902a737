import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { byKind, type K8sObject, kustomize } from './support/manifests.js';
import { k8sDir } from './support/paths.js';
import { internalPaths, type Route, routesOf, samplePath } from './support/routes.js';

const publicServices = ['ingest', 'chat-llm', 'stream-gateway'] as const;

interface Location {
  path: string;
  service: string;
  denied: boolean;
  ingress: string;
}

/**
 * How ingress-nginx routes a host whose Ingresses use regular expressions (use-regex): every
 * path is a case-insensitive regex anchored at the start, tried longest first; a location whose
 * Ingress denies every source address answers 403.
 */
function router(ingresses: K8sObject[]) {
  const locations: Location[] = ingresses.flatMap((ing) => {
    const annotations = ing.metadata.annotations ?? {};
    expect(annotations['nginx.ingress.kubernetes.io/use-regex'], ing.metadata.name).toBe('true');
    const denied = (annotations['nginx.ingress.kubernetes.io/denylist-source-range'] ?? '')
      .split(',')
      .includes('0.0.0.0/0');
    return ing.spec.rules.flatMap((rule: K8sObject) =>
      rule.http.paths.map((p: K8sObject) => ({
        path: p.path,
        service: p.backend.service.name,
        denied,
        ingress: ing.metadata.name,
      })),
    );
  });
  const ordered = [...locations].sort((a, b) => b.path.length - a.path.length);
  return {
    locations,
    route: (path: string) => ordered.find((l) => new RegExp(`^${l.path}`, 'i').test(path)),
  };
}

describe.each(['overlays/dev', 'overlays/prod'])('k8s/%s Ingress', (overlay) => {
  let ingresses: K8sObject[];
  let routes: Record<string, Route[]>;
  beforeAll(() => {
    ingresses = byKind(kustomize(join(k8sDir, overlay)), 'Ingress');
    routes = Object.fromEntries(
      publicServices.map((s) => [s, routesOf(s).filter((r) => !internalPaths.has(r.path))]),
    );
  });

  it('serves one host with SSE-safe settings: no buffering, read timeout above 300 s', () => {
    expect(new Set(ingresses.flatMap((i) => i.spec.rules.map((r: K8sObject) => r.host))).size).toBe(1);
    for (const ing of ingresses.filter((i) => i.metadata.name !== 'sightline-internal-paths')) {
      const a = ing.metadata.annotations ?? {};
      expect(a['nginx.ingress.kubernetes.io/proxy-buffering'], ing.metadata.name).toBe('off');
      expect(Number(a['nginx.ingress.kubernetes.io/proxy-read-timeout']), ing.metadata.name).toBeGreaterThan(
        300,
      );
      expect(Number(a['nginx.ingress.kubernetes.io/proxy-send-timeout']), ing.metadata.name).toBeGreaterThan(
        300,
      );
    }
  });

  it('finds the public routes in the services source', () => {
    expect(routes.ingest!.map((r) => r.path)).toContain('/api/v1/actions/actions/send');
    expect(routes['chat-llm']!.map((r) => r.path)).toContain('/chats/:chatId/messages');
    expect(routes['stream-gateway']!.map((r) => r.path)).toContain('/api/v1/devices/:id/analysis/stream');
  });

  it.each(publicServices)('routes every route of %s to it', (service) => {
    const { route } = router(ingresses);
    const misrouted = routes[service]!.map((r) => ({ r, to: route(samplePath(r.path)) }))
      .filter(({ to }) => to?.service !== service || to.denied)
      .map(
        ({ r, to }) =>
          `${r.method} ${r.path} → ${to ? `${to.service}${to.denied ? ' (denied)' : ''}` : 'nothing'}`,
      );
    expect(misrouted).toEqual([]);
  });

  it('keeps /healthz, /readyz and /metrics off the public edge', () => {
    const { route } = router(ingresses);
    for (const path of internalPaths) expect(route(path)?.denied, path).toBe(true);
  });

  it('has no path that leads to no route of its service (the gateway catch-all / aside)', () => {
    const { locations } = router(ingresses);
    const dead = locations
      .filter((l) => !l.denied && l.path !== '/')
      .filter(
        (l) => !(routes[l.service] ?? []).some((r) => new RegExp(`^${l.path}`, 'i').test(samplePath(r.path))),
      )
      .map((l) => `${l.ingress}: ${l.path} → ${l.service}`);
    expect(dead).toEqual([]);
  });
});
