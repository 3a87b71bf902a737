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

/** Device fields a PATCH may change; `sourceUrl: null` removes it. */
export interface DevicePatch {
  name?: string;
  labels?: string[];
  sourceUrl?: string | null;
  detectFps?: number;
  privacyMode?: boolean;
}

export interface Page<T> {
  items: T[];
  /** Pass back as `cursor` for the next page; absent on the last page. */
  nextCursor?: string;
}

interface CachedPrincipal {
  principal: Principal | undefined;
  until: number;
}

const deviceKey = (tenantId: string, deviceId: string) => `${tenantId}.${deviceId}`;

function isActive(record: ApiKeyRecord, now: number): boolean {
  return record.revokedAt === undefined && (record.expiresAt === undefined || record.expiresAt > now);
}

function principalOf(record: ApiKeyRecord): Principal {
  return { tenantId: record.tenantId, keyId: record.keyId, owner: record.owner, scopes: record.scopes };
}
const ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Tenants, API keys and devices in NATS KV: the control plane every public service reads. */
export class ControlPlane {
  /** Verified keys by SHA-256 of the key, and active keys by key id (sessions), each briefly. */
  private readonly keyCache = new Map<string, CachedPrincipal>();
  private readonly keyIdCache = new Map<string, CachedPrincipal>();

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
    this.forgetKeys();
    return true;
  }

  /** A key record of this tenant (revoked ones included), or undefined. */
  async getApiKey(tenantId: string, keyId: string): Promise<ApiKeyRecord | undefined> {
    if (!ID.test(keyId)) return undefined;
    const record = await this.keys.get(keyId);
    return record?.tenantId === tenantId ? record : undefined;
  }

  /** Every key record of a tenant. Keys are stored by key id, so this scans the bucket. */
  async listApiKeys(tenantId: string): Promise<ApiKeyRecord[]> {
    const all = await this.keys.values();
    return all.filter((r) => r.tenantId === tenantId).sort((a, b) => a.createdAt - b.createdAt);
  }

  /**
   * A new key with the same owner, name, scopes and remaining lifetime; the old one stops
   * working after `graceMs` (0: at once) so a client can switch over without downtime.
   */
  async rotateApiKey(tenantId: string, keyId: string, graceMs = 0) {
    const old = await this.getApiKey(tenantId, keyId);
    if (!old || old.revokedAt !== undefined) return undefined;
    const now = Date.now();
    const remaining = old.expiresAt === undefined ? undefined : old.expiresAt - now;
    if (remaining !== undefined && remaining <= 0) return undefined;
    const created = await this.createApiKey({
      tenantId,
      owner: old.owner,
      scopes: old.scopes,
      name: old.name,
      ...(remaining !== undefined ? { ttlMs: remaining } : {}),
    });
    const retired: ApiKeyRecord =
      graceMs > 0
        ? { ...old, expiresAt: Math.min(old.expiresAt ?? Number.POSITIVE_INFINITY, now + graceMs) }
        : { ...old, revokedAt: now };
    await this.keys.put(keyId, retired);
    this.forgetKeys();
    return { ...created, retired };
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
    const valid = record !== undefined && sameHash(record.hash, hash) && isActive(record, now);
    const principal = valid ? principalOf(record) : undefined;
    this.remember(this.keyCache, hash, principal, now);
    return principal;
  }

  /**
   * The principal of a key known only by its id (a cookie session names the key it was opened
   * with), or undefined once that key is revoked, expired or gone. Cached like verifyApiKey, so
   * a revocation reaches sessions within `keyCacheMs` on every replica.
   */
  async activeKey(keyId: string): Promise<Principal | undefined> {
    if (!ID.test(keyId)) return undefined;
    const cached = this.keyIdCache.get(keyId);
    if (cached && cached.until > Date.now()) return cached.principal;
    const record = await this.keys.get(keyId);
    const now = Date.now();
    const principal = record && isActive(record, now) ? principalOf(record) : undefined;
    this.remember(this.keyIdCache, keyId, principal, now);
    return principal;
  }

  private remember(
    cache: Map<string, CachedPrincipal>,
    id: string,
    principal: Principal | undefined,
    now: number,
  ) {
    if (cache.size > 10_000) cache.clear();
    cache.set(id, { principal, until: now + this.keyCacheMs });
  }

  /** This replica's caches only; other replicas notice within their `keyCacheMs`. */
  private forgetKeys(): void {
    this.keyCache.clear();
    this.keyIdCache.clear();
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

  /** Devices in id order after `cursor` (the last id of the previous page). */
  async listDevicesPage(tenantId: string, { limit, cursor }: { limit: number; cursor?: string }) {
    const prefix = `${tenantId}.`;
    const ids = (await this.devices.keys(`${tenantId}.*`)).map((k) => k.slice(prefix.length));
    const after = cursor === undefined ? ids : ids.filter((id) => id > cursor);
    const pageIds = after.slice(0, limit);
    const items: Device[] = [];
    for (const id of pageIds) {
      const device = await this.getDevice(tenantId, id);
      if (device) items.push(device);
    }
    const page: Page<Device> = { items };
    if (after.length > limit) page.nextCursor = pageIds[pageIds.length - 1];
    return page;
  }

  /** Apply a patch with compare-and-set so concurrent writers never lose each other's changes. */
  async updateDevice(tenantId: string, deviceId: string, patch: DevicePatch): Promise<Device | undefined> {
    if (!ID.test(deviceId)) return undefined;
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await this.devices.getWithRevision(deviceKey(tenantId, deviceId));
      if (!current || current.value.tenantId !== tenantId) return undefined;
      const { sourceUrl, ...rest } = patch;
      const next: Device = { ...current.value, ...rest, updatedAt: Date.now() };
      if (sourceUrl === null) delete next.sourceUrl;
      else if (sourceUrl !== undefined) next.sourceUrl = sourceUrl;
      try {
        await this.devices.update(deviceKey(tenantId, deviceId), next, current.revision);
      } catch (err) {
        if (/wrong last sequence/i.test(String(err))) continue;
        throw err;
      }
      this.nc.publish(subjects.controlChanged('device', tenantId, deviceId));
      return next;
    }
    throw new Error(`device ${deviceId} changed concurrently too often; try again`);
  }

  async deleteDevice(tenantId: string, deviceId: string): Promise<boolean> {
    if (!(await this.getDevice(tenantId, deviceId))) return false;
    await this.devices.delete(deviceKey(tenantId, deviceId));
    this.nc.publish(subjects.controlChanged('device', tenantId, deviceId));
    return true;
  }
}
