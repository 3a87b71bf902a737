import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createHttpServer, createLogger, createRegistry } from '@sightline/service-kit';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  dashboardIsStale,
  dashboardPlugin,
  defaultDistDir,
  ensureDashboardBuilt,
} from '../src/server/index.js';

let app: FastifyInstance;

beforeAll(async () => {
  await ensureDashboardBuilt();
  app = createHttpServer({
    logger: createLogger({ service: 'dashboard-test', version: '0', level: 'silent' }),
    registry: createRegistry('dashboard_test'),
    readiness: { checks: {} },
  });
  app.get('/api/v1/devices', async () => ({ items: [] }));
  await app.register(dashboardPlugin);
  await app.ready();
}, 120_000);

afterAll(async () => app?.close());

describe('dashboardPlugin on the service kit server', () => {
  it('built the dashboard, which is now up to date', () => {
    expect(dashboardIsStale()).toBe(false);
  });

  it('serves index.html at / with the security headers', async () => {
    const res = await app.inject({ method: 'GET', url: '/', headers: { host: 'gw.example:8080' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('<div id="app">');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("img-src 'self' data: blob:");
    expect(csp).toContain("connect-src 'self' ws://gw.example:8080 wss://gw.example:8080");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cache-control']).toBe('no-cache');
  });

  it('serves the hashed assets as immutable', async () => {
    const script = readdirSync(join(defaultDistDir, 'assets')).find((f) => f.endsWith('.js'))!;
    const res = await app.inject({ method: 'GET', url: `/assets/${script}` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('javascript');
    expect(res.headers['cache-control']).toContain('immutable');
  });

  it('answers page paths with index.html, and leaves API paths and missing files to the JSON 404', async () => {
    const page = await app.inject({ method: 'GET', url: '/device/cam-1?x=1' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<div id="app">');
    for (const url of ['/api/v1/nope', '/ws/unknown', '/assets/missing.js', '/chats/x', '/docs/x']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(res.json().error.code, url).toBe('not_found');
    }
  });

  it('leaves the API routes beside it untouched', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/devices' });
    expect(res.json()).toEqual({ items: [] });
    expect(res.headers['content-security-policy']).toBeUndefined();
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });
});
