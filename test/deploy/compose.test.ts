import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { deployDir, services } from './support/paths.js';
import { requiredVars, serviceConfig } from './support/service-config.js';

interface ComposeService {
  build?: { context: string; dockerfile: string; args: Record<string, string> };
  environment?: Record<string, string>;
  volumes?: string[];
  read_only?: boolean;
  user?: string;
  stop_grace_period?: string;
  healthcheck?: { test: string[] };
}
const composeText = readFileSync(join(deployDir, 'compose.yaml'), 'utf8');
const compose = parse(composeText, { merge: true }) as { services: Record<string, ComposeService> };
const accounts = readFileSync(join(deployDir, 'nats/accounts.conf'), 'utf8');

/** Compose's `${VAR:?msg}` / `${VAR:-default}` / `${VAR}`, as docker compose would fill them from deploy/.env. */
function interpolate(value: string): string {
  return value.replace(/\$\{(\w+)(?::([?-])([^}]*))?\}/g, (_m, name: string, op?: string, arg?: string) =>
    op === '-' ? (arg ?? '') : `value-of-${name}`,
  );
}

describe('deploy/compose.yaml', () => {
  it('runs NATS, the five services, the NATS exporter, Prometheus and Grafana', () => {
    expect(Object.keys(compose.services).sort()).toEqual(
      ['nats', 'nats-exporter', 'prometheus', 'grafana', ...services.map((s) => s.dir)].sort(),
    );
  });

  it.each(services.map((s) => s.dir))(
    'builds %s from deploy/Dockerfile and starts it with a config that loads',
    async (dir) => {
      const svc = compose.services[dir]!;
      expect(svc.build).toMatchObject({
        context: '..',
        dockerfile: 'deploy/Dockerfile',
        args: { SERVICE: dir },
      });
      expect(existsSync(resolve(deployDir, svc.build!.context, 'services', dir, 'src/main.ts'))).toBe(true);
      const env = Object.fromEntries(
        Object.entries(svc.environment ?? {}).map(([k, v]) => [k, interpolate(String(v))]),
      );
      const { schema, loadConfig } = await serviceConfig(dir);
      for (const name of requiredVars(schema)) expect(env, name).toHaveProperty(name);
      expect(Object.keys(env).filter((name) => !(name in schema.properties))).toEqual([]);
      expect(() => loadConfig(env)).not.toThrow();
      // Its NATS user exists in the shipped accounts, and its password is that user's.
      expect(accounts).toMatch(
        new RegExp(`user: ${env.NATS_USER}\\s+password: \\$NATS_PASS_${env.NATS_USER!.toUpperCase()}\\b`),
      );
      expect(svc.environment!.NATS_PASS).toContain(`NATS_PASS_${env.NATS_USER!.toUpperCase()}`);
      expect(svc.read_only).toBe(true);
      expect(svc.user).toBe('1000:1000');
      expect(svc.healthcheck!.test.join(' ')).toContain('/readyz');
      expect(Number.parseInt(svc.stop_grace_period!, 10) * 1000).toBeGreaterThan(
        Number(env.SHUTDOWN_TIMEOUT_MS),
      );
    },
  );

  it('gives the NATS server every password accounts.conf reads, and mounts files that exist', () => {
    const needed = [...new Set([...accounts.matchAll(/\$(NATS_PASS_\w+)/g)].map((m) => m[1]))].sort();
    expect(Object.keys(compose.services.nats!.environment!).sort()).toEqual(needed);
    for (const volume of compose.services.nats!.volumes!) {
      const [source] = volume.split(':');
      if (source!.startsWith('./') && !source!.includes('/secrets/'))
        expect(existsSync(join(deployDir, source!)), source).toBe(true);
    }
  });

  it('takes every variable from deploy/.env, listed in .env.example, and holds no secret itself', () => {
    const example = readFileSync(join(deployDir, '.env.example'), 'utf8');
    const used = [...new Set([...composeText.matchAll(/\$\{(\w+)/g)].map((m) => m[1]!))];
    for (const name of used) expect(example, name).toMatch(new RegExp(`^${name}=`, 'm'));
    expect(example).not.toMatch(/^(NATS_PASS_\w+|GRAFANA_ADMIN_PASSWORD|OPENAI_API_KEY)=.+$/m);
    expect(composeText).not.toMatch(/(PASS|PASSWORD|API_KEY):\s+[^$\s]/);
  });
});
