import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ControlPlane } from '@sightline/auth';
import type { NatsConnection } from '@sightline/nats';

export interface DemoInfo {
  gatewayUrl: string;
  ingestUrl: string;
  chatUrl: string;
  tenantId: string;
  apiKey: string;
  deviceId: string;
}

/** Reuse the demo tenant written last time if its key still works; else create a new one. */
export async function ensureDemoTenant(
  nc: NatsConnection,
  file: string,
  urls: Pick<DemoInfo, 'gatewayUrl' | 'ingestUrl' | 'chatUrl'>,
): Promise<DemoInfo> {
  const control = await ControlPlane.open(nc);
  if (existsSync(file)) {
    const previous = JSON.parse(readFileSync(file, 'utf8')) as DemoInfo;
    const principal = await control.verifyApiKey(previous.apiKey);
    if (principal && (await control.getDevice(principal.tenantId, previous.deviceId))) {
      return save(file, { ...previous, ...urls });
    }
  }
  const tenant = await control.createTenant('Demo');
  const { key } = await control.createApiKey({
    tenantId: tenant.tenantId,
    owner: 'demo',
    name: 'demo key',
    scopes: ['admin', 'device:read', 'device:write', 'analytics:read', 'frames:write', 'chat:write'],
  });
  const device = await control.createDevice(tenant.tenantId, {
    name: 'Demo camera',
    labels: ['demo'],
    detectFps: 2,
  });
  return save(file, { ...urls, tenantId: tenant.tenantId, apiKey: key, deviceId: device.deviceId });
}

function save(file: string, info: DemoInfo): DemoInfo {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
  return info;
}
