import { DeviceStats } from './health.js';

/** The DeviceStats of every device this replica has seen, by `tenant.device`. */
export class HealthRegistry {
  private readonly byDevice = new Map<string, DeviceStats>();

  get(tenantId: string, deviceId: string, detectFps: number): DeviceStats {
    const key = `${tenantId}.${deviceId}`;
    let stats = this.byDevice.get(key);
    if (!stats) {
      stats = new DeviceStats(tenantId, deviceId, detectFps);
      this.byDevice.set(key, stats);
    }
    stats.targetDetectFps = detectFps;
    return stats;
  }

  find(tenantId: string, deviceId: string): DeviceStats | undefined {
    return this.byDevice.get(`${tenantId}.${deviceId}`);
  }

  all(): DeviceStats[] {
    return [...this.byDevice.values()];
  }

  remove(tenantId: string, deviceId: string): void {
    this.byDevice.delete(`${tenantId}.${deviceId}`);
  }
}
