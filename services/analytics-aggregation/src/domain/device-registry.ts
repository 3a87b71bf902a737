import type { Scene } from '@sightline/contracts';
import { DeviceAnalyzer } from './device-analyzer.js';
import { defaultScene } from './scene-runtime.js';

/** The analyzers of the devices this replica owns, created on first frame, freed when idle. */
export class DeviceRegistry {
  private readonly devices = new Map<string, { analyzer: DeviceAnalyzer; lastSeen: number }>();

  constructor(
    private readonly sceneOf: (tenantId: string, deviceId: string) => Scene | undefined,
    private readonly nodeNum: number,
  ) {}

  get size(): number {
    return this.devices.size;
  }

  /** The device's analyzer with its current scene applied. */
  analyzer(tenantId: string, deviceId: string, now: number): DeviceAnalyzer {
    const key = `${tenantId}.${deviceId}`;
    const scene = this.sceneOf(tenantId, deviceId) ?? defaultScene(tenantId, deviceId);
    let entry = this.devices.get(key);
    if (!entry) {
      entry = { analyzer: new DeviceAnalyzer(tenantId, deviceId, scene, this.nodeNum), lastSeen: now };
      this.devices.set(key, entry);
    }
    entry.analyzer.setScene(scene);
    entry.lastSeen = now;
    return entry.analyzer;
  }

  /** Remove devices idle since before `cutoff` and hand back their analyzers to flush. */
  evictIdle(cutoff: number): DeviceAnalyzer[] {
    const out: DeviceAnalyzer[] = [];
    for (const [key, entry] of this.devices) {
      if (entry.lastSeen >= cutoff) continue;
      this.devices.delete(key);
      out.push(entry.analyzer);
    }
    return out;
  }

  all(): DeviceAnalyzer[] {
    return [...this.devices.values()].map((e) => e.analyzer);
  }
}
