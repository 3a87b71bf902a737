import { parseArgs } from 'node:util';
import { ControlPlane } from '@sightline/auth';
import { type Scope, scopes } from '@sightline/contracts';
import type { NatsConnection } from '@sightline/nats';

export const usage = `sightline <command> [options]     (NATS from --nats or NATS_URL)

  bootstrap --name <tenant name> [--owner <who>]      create a tenant and its first admin key
  tenant create --name <name> [--id <id>]
  tenant list
  key create --tenant <id> --owner <who> --scopes <a,b> [--name <n>] [--ttl-days <n>]
  key list --tenant <id>
  key revoke --tenant <id> --key-id <id>
  device create --tenant <id> --name <name> [--id <id>] [--labels a,b] [--source <url>] [--fps <n>] [--privacy]
  device list --tenant <id>
  device delete --tenant <id> --device <id>

Scopes: ${scopes.join(', ')}. A key is printed once and never stored.`;

export class UsageError extends Error {}

const options = {
  nats: { type: 'string' },
  name: { type: 'string' },
  id: { type: 'string' },
  owner: { type: 'string' },
  tenant: { type: 'string' },
  scopes: { type: 'string' },
  'ttl-days': { type: 'string' },
  'key-id': { type: 'string' },
  device: { type: 'string' },
  labels: { type: 'string' },
  source: { type: 'string' },
  fps: { type: 'string' },
  privacy: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export function parseCli(argv: string[]) {
  return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
}

type Values = ReturnType<typeof parseCli>['values'];

function need(values: Values, name: keyof Values): string {
  const v = values[name];
  if (typeof v !== 'string' || v === '') throw new UsageError(`--${name} is required`);
  return v;
}

function parseScopes(text: string): Scope[] {
  const list = text.split(',').map((s) => s.trim());
  for (const s of list)
    if (!(scopes as readonly string[]).includes(s)) throw new UsageError(`unknown scope "${s}"`);
  return list as Scope[];
}

/** Run one CLI command against NATS; returns what to print as JSON. */
export async function runCommand(nc: NatsConnection, argv: string[]): Promise<unknown> {
  const { values, positionals } = parseCli(argv);
  const control = await ControlPlane.open(nc);
  const [noun, verb] = positionals;
  switch (`${noun} ${verb ?? ''}`.trim()) {
    case 'bootstrap': {
      const tenant = await control.createTenant(need(values, 'name'), values.id);
      const { record, key } = await control.createApiKey({
        tenantId: tenant.tenantId,
        owner: values.owner ?? 'admin',
        scopes: ['admin'],
        name: 'first admin key',
      });
      return { tenant, keyId: record.keyId, apiKey: key };
    }
    case 'tenant create':
      return control.createTenant(need(values, 'name'), values.id);
    case 'tenant list':
      return control.tenants.values();
    case 'key create': {
      const ttlDays = values['ttl-days'] ? Number(values['ttl-days']) : undefined;
      const { record, key } = await control.createApiKey({
        tenantId: need(values, 'tenant'),
        owner: need(values, 'owner'),
        scopes: parseScopes(need(values, 'scopes')),
        name: values.name,
        ttlMs: ttlDays ? ttlDays * 86_400_000 : undefined,
      });
      const { hash: _hash, ...shown } = record;
      return { ...shown, apiKey: key };
    }
    case 'key list': {
      const tenantId = need(values, 'tenant');
      const all = await control.keys.values();
      return all.filter((k) => k.tenantId === tenantId).map(({ hash: _hash, ...rest }) => rest);
    }
    case 'key revoke':
      return { revoked: await control.revokeApiKey(need(values, 'tenant'), need(values, 'key-id')) };
    case 'device create':
      return control.createDevice(need(values, 'tenant'), {
        name: need(values, 'name'),
        deviceId: values.id,
        labels: values.labels?.split(',').filter(Boolean),
        sourceUrl: values.source,
        detectFps: values.fps ? Number(values.fps) : undefined,
        privacyMode: values.privacy ?? false,
      });
    case 'device list':
      return control.listDevices(need(values, 'tenant'));
    case 'device delete':
      return { deleted: await control.deleteDevice(need(values, 'tenant'), need(values, 'device')) };
    default:
      throw new UsageError(`unknown command "${positionals.join(' ')}"`);
  }
}
