import { ControlPlane } from '@sightline/auth';
import type { Scope } from '@sightline/contracts';
import { connectNats, type NatsConnection, provisionAll } from '@sightline/nats';
import {
  type Credentials,
  findNatsServerBinary,
  modelsDir,
  type RunningStack,
  type ServiceName,
  startAccountsNats,
  startNats,
  startStack,
  type TestNats,
} from '@sightline/testing';

export interface TenantFixture {
  tenantId: string;
  deviceId: string;
  deviceName: string;
  keys: Record<'all' | 'readOnly' | 'framesOnly', string>;
}

/** A tenant with one device and keys of different scopes, made through the real control plane. */
export async function makeTenant(nc: NatsConnection, name: string): Promise<TenantFixture> {
  const control = await ControlPlane.open(nc);
  const tenant = await control.createTenant(name);
  const key = async (scopes: Scope[]) =>
    (await control.createApiKey({ tenantId: tenant.tenantId, owner: `${name}-user`, scopes })).key;
  const device = await control.createDevice(tenant.tenantId, { name: `${name} front door`, detectFps: 30 });
  return {
    tenantId: tenant.tenantId,
    deviceId: device.deviceId,
    deviceName: device.name,
    keys: {
      all: await key(['device:read', 'device:write', 'analytics:read', 'frames:write', 'chat:write']),
      readOnly: await key(['device:read']),
      framesOnly: await key(['frames:write']),
    },
  };
}

export interface SseEvent {
  event?: string;
  id?: string;
  data: string;
}

/**
 * Read an SSE response the way seed 002's client does (fetch + getReader), but keeping event
 * and id fields, until `until` says stop or the timeout passes.
 */
export async function readSse(
  response: Response,
  until: (events: SseEvent[]) => boolean,
  timeoutMs = 60_000,
): Promise<SseEvent[]> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const events: SseEvent[] = [];
  let buffer = '';
  const timer = setTimeout(() => void reader.cancel(), timeoutMs);
  try {
    while (!until(events)) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event: SseEvent = { data: '' };
        const data: string[] = [];
        for (const line of block.split('\n')) {
          if (line.startsWith('event: ')) event.event = line.slice(7);
          else if (line.startsWith('id: ')) event.id = line.slice(4);
          else if (line.startsWith('data: ')) data.push(line.slice(6));
        }
        event.data = data.join('\n');
        if (data.length > 0) events.push(event);
        end = buffer.indexOf('\n\n');
      }
    }
  } finally {
    clearTimeout(timer);
    await reader.cancel().catch(() => {});
  }
  return events;
}

/** The bus of a test: real NATS, and the test's own admin connection to it. */
export interface Bus {
  url: string;
  nc: NatsConnection;
  /** Each service's NATS user, when the bus runs the shipped accounts. */
  services?: Record<ServiceName, Credentials>;
  close(): Promise<void>;
}

/**
 * With a local nats-server, the shipped accounts (deploy/nats): each service as its own user,
 * limited to its subjects, as deployed. With NATS_URL, whatever that server allows.
 */
export async function openBus(name: string): Promise<Bus> {
  const binary = process.env.NATS_URL ? undefined : findNatsServerBinary();
  const accounts = binary ? await startAccountsNats({ binary }) : undefined;
  const nats: TestNats = accounts ? { url: accounts.url, stop: accounts.stop } : await startNats();
  const nc = await connectNats({ url: nats.url, name, ...(accounts ? accounts.admin : {}) });
  await provisionAll(nc);
  return {
    url: nats.url,
    nc,
    services: accounts?.services,
    close: async () => {
      await nc.drain();
      await nats.stop();
    },
  };
}

/** The five services as processes on the bus, each with its own NATS user. */
export function startServices(bus: Bus, logLevel = 'warn'): Promise<RunningStack> {
  return startStack({
    natsUrl: bus.url,
    natsCredentials: bus.services,
    env: { SIGHTLINE_MODELS_DIR: modelsDir, LOG_LEVEL: logLevel },
  });
}
