import { randomUUID } from 'node:crypto';
import {
  type ApiKeyRecord,
  buckets,
  type Device,
  type Scope,
  subjects,
  type Tenant,
} from '@sightline/contracts';
import { JsonBucket, type NatsConnection } from '@sightline/nats';
import { generateApiKey, hashKey, parseApiKey, sameHash } from './keys.js';

export interface Principal {
  tenantId: string;
  keyId: string;
  owner: string;
  scopes: Scope[];
}

export interface NewDevice {
  name: string;
  labels?: string[];
  sourceUrl?: string;
  detectFps?: number;
  privacyMode?: boolean;
  deviceId?: string;
}

const deviceKey = (tenantId: string, deviceId: string) => `${tenantId}.${deviceId}`;

/** Tenants, API keys and devices in NATS KV: the control plane every public service reads. */
export class ControlPlane {
  private readonly keyCache = new Map<string, { principal: Principal | undefined; until: number }>();

  private constructor(
    private readonly nc: NatsConnection,
    readonly tenants: JsonBucket<Tenant>,
    readonly keys: JsonBucket<ApiKeyRecord>,
    readonly devices: JsonBucket<Device>,
    /** How long a verified key is trusted before KV is asked again (revocation delay). */
    private readonly keyCacheMs: number,
  ) {}

  static async open(nc: NatsConnection, { keyCacheMs = 2000 } = {}): Promise<ControlPlane> {
    return new ControlPlane(
      nc,
      await JsonBucket.open(nc, buckets.tenants),
      await JsonBucket.open(nc, buckets.apiKeys),
      await JsonBucket.open(nc, buckets.devices),
      keyCacheMs,
    );
  }

  async createTenant(name: string, tenantId: string = randomUUID()): Promise<Tenant> {
    const tenant: Tenant = { tenantId, name, createdAt: Date.now() };
    await this.tenants.create(tenantId, tenant);
    return tenant;
  }

  /** Returns the record and the key itself; the key is never stored and cannot be shown again. */
  async createApiKey(input: {
    tenantId: string;
    owner: string;
    scopes: Scope[];
    name?: string;
    ttlMs?: number;
  }): Promise<{ record: ApiKeyRecord; key: string }> {
    if (!(await this.tenants.get(input.tenantId))) throw new Error(`tenant ${input.tenantId} not found`);
    const { keyId, key, hash } = generateApiKey();
    const now = Date.now();
    const record: ApiKeyRecord = {
      keyId,
      tenantId: input.tenantId,
      owner: input.owner,
      name: input.name ?? '',
      scopes: [...new Set(input.scopes)],
      hash,
      createdAt: now,
      ...(input.ttlMs ? { expiresAt: now + input.ttlMs } : {}),
    };
    await this.keys.create(keyId, record);
    return { record, key };
  }

  async revokeApiKey(tenantId: string, keyId: string): Promise<boolean> {
    const record = await this.keys.get(keyId);
    if (!record || record.tenantId !== tenantId) return false;
    await this.keys.put(keyId, { ...record, revokedAt: Date.now() });
    this.keyCache.clear();
    return true;
  }

  /** The principal behind a presented key, or undefined (unknown, wrong, revoked, expired). */
  async verifyApiKey(key: string): Promise<Principal | undefined> {
    const parsed = parseApiKey(key);
    if (!parsed) return undefined;
    const hash = hashKey(key);
    const cached = this.keyCache.get(hash);
    if (cached && cached.until > Date.now()) return cached.principal;
    const record = await this.keys.get(parsed.keyId);
    const now = Date.now();
    const valid =
      record !== undefined &&
      sameHash(record.hash, hash) &&
      record.revokedAt === undefined &&
      (record.expiresAt === undefined || record.expiresAt > now);
    const principal = valid
      ? { tenantId: record.tenantId, keyId: record.keyId, owner: record.owner, scopes: record.scopes }
      : undefined;
    if (this.keyCache.size > 10_000) this.keyCache.clear();
    this.keyCache.set(hash, { principal, until: now + this.keyCacheMs });
    return principal;
  }

  async createDevice(tenantId: string, input: NewDevice): Promise<Device> {
    const now = Date.now();
    const deviceId = input.deviceId ?? randomUUID();
    const device: Device = {
      deviceId,
      tenantId,
      name: input.name,
      labels: input.labels ?? [],
      detectFps: input.detectFps ?? 5,
      privacyMode: input.privacyMode ?? false,
      sceneId: deviceId,
      createdAt: now,
      updatedAt: now,
      ...(input.sourceUrl ? { sourceUrl: input.sourceUrl } : {}),
    };
    await this.devices.create(deviceKey(tenantId, deviceId), device);
    this.nc.publish(subjects.controlChanged('device', tenantId, deviceId));
    return device;
  }

  /** A device of this tenant, or undefined: another tenant's device is indistinguishable from none. */
  async getDevice(tenantId: string, deviceId: string): Promise<Device | undefined> {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(deviceId)) return undefined;
    const device = await this.devices.get(deviceKey(tenantId, deviceId));
    return device?.tenantId === tenantId ? device : undefined;
  }

  async listDevices(tenantId: string): Promise<Device[]> {
    return this.devices.values(`${tenantId}.*`);
  }

  async deleteDevice(tenantId: string, deviceId: string): Promise<boolean> {
    if (!(await this.getDevice(tenantId, deviceId))) return false;
    await this.devices.delete(deviceKey(tenantId, deviceId));
    this.nc.publish(subjects.controlChanged('device', tenantId, deviceId));
    return true;
  }
}
