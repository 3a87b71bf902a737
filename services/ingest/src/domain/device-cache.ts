import type { Device } from '@sightline/contracts';

/**
 * Devices found recently, by `tenant.device`, for `ttlMs`: a pushing camera costs one KV read per
 * `ttlMs` instead of one per frame. Only hits are cached, so a new device is visible at once; a
 * deleted or changed one within `ttlMs` (the same bound as the API-key cache).
 */
export class DeviceCache {
  private readonly entries = new Map<string, { device: Device; until: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 50_000,
  ) {}

  async get(
    tenantId: string,
    deviceId: string,
    load: () => Promise<Device>,
    now = Date.now(),
  ): Promise<Device> {
    const key = `${tenantId}.${deviceId}`;
    const hit = this.entries.get(key);
    if (hit && hit.until > now) return hit.device;
    const device = await load();
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    if (this.ttlMs > 0) this.entries.set(key, { device, until: now + this.ttlMs });
    return device;
  }
}
