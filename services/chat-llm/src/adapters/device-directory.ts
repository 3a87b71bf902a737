import type { ControlPlane } from '@sightline/auth';
import type { DeviceInfo, DirectoryPort } from '../domain/ports.js';

/** The tenant's devices from the control plane (NATS KV `devices`). */
export class ControlPlaneDirectory implements DirectoryPort {
  constructor(private readonly control: ControlPlane) {}

  async devices(tenantId: string): Promise<DeviceInfo[]> {
    const devices = await this.control.listDevices(tenantId);
    return devices.map((d) => ({ deviceId: d.deviceId, name: d.name, labels: d.labels }));
  }
}
