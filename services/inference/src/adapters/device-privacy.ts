import type { ControlPlane } from '@sightline/auth';

/**
 * Whether a device is in privacy mode (its faces are blurred before frames leave the platform),
 * read from the devices bucket and cached briefly so a frame costs no KV round trip.
 */
export class DevicePrivacy {
  private readonly cache = new Map<string, { value: boolean; until: number }>();

  constructor(
    private readonly control: Pick<ControlPlane, 'getDevice'>,
    private readonly ttlMs = 5000,
    private readonly now: () => number = Date.now,
  ) {}

  async isPrivate(tenantId: string, deviceId: string): Promise<boolean> {
    const key = `${tenantId}.${deviceId}`;
    const hit = this.cache.get(key);
    if (hit && hit.until > this.now()) return hit.value;
    const device = await this.control.getDevice(tenantId, deviceId);
    const value = device?.privacyMode === true;
    if (this.cache.size > 50_000) this.cache.clear();
    this.cache.set(key, { value, until: this.now() + this.ttlMs });
    return value;
  }
}
