import { buckets, compile, DeviceHeatmap } from '@sightline/contracts';
import { JsonBucket, type NatsConnection } from '@sightline/nats';
import type { DeviceAnalyzer } from '../domain/device-analyzer.js';

/** What is stored per device: the query's `DeviceHeatmap` plus its owner and geometry version. */
export interface StoredHeatmap extends DeviceHeatmap {
  tenantId: string;
  geometryVersion: number;
}

const heatmapValidator = compile(DeviceHeatmap);
const keyOf = (tenantId: string, deviceId: string) => `${tenantId}.${deviceId}`;

/**
 * The heatmap grids in KV `heatmaps`, one key per device (`<tenant>.<device>`). The replica that
 * owns a device writes its grid every `heatmapPublishMs` while frames arrive, and once more when
 * the device goes idle or the replica stops; any replica reads it to answer a heatmap query.
 */
export class HeatmapStore {
  /** Frame time of the grid last written per device, so an idle device is not rewritten. */
  private readonly written = new Map<string, number>();

  private constructor(private readonly bucket: JsonBucket<StoredHeatmap>) {}

  static async open(nc: NatsConnection): Promise<HeatmapStore> {
    return new HeatmapStore(await JsonBucket.open<StoredHeatmap>(nc, buckets.heatmaps));
  }

  /** Write the grid of each analyzer that saw a frame since its last write; returns how many. */
  async writeChanged(analyzers: readonly DeviceAnalyzer[]): Promise<number> {
    let count = 0;
    for (const analyzer of analyzers) {
      const key = keyOf(analyzer.tenantId, analyzer.deviceId);
      const snapshot = analyzer.heatmapSnapshot();
      if (!snapshot || this.written.get(key) === snapshot.at) continue;
      await this.bucket.put(key, {
        tenantId: analyzer.tenantId,
        deviceId: analyzer.deviceId,
        cols: snapshot.cols,
        rows: snapshot.rows,
        cells: snapshot.cells,
        windowMs: snapshot.windowMs,
        at: snapshot.at,
        geometryVersion: snapshot.geometryVersion,
      });
      this.written.set(key, snapshot.at);
      count++;
    }
    return count;
  }

  /** Forget an evicted device's bookkeeping (its last grid stays in KV). */
  forget(analyzer: DeviceAnalyzer): void {
    this.written.delete(keyOf(analyzer.tenantId, analyzer.deviceId));
  }

  /** The stored grids of these devices of this tenant; a device without one is left out. */
  async read(tenantId: string, deviceIds: readonly string[]): Promise<DeviceHeatmap[]> {
    const out: DeviceHeatmap[] = [];
    for (const deviceId of deviceIds) {
      const stored = await this.bucket.get(keyOf(tenantId, deviceId)).catch(() => undefined);
      if (!stored || stored.tenantId !== tenantId || stored.deviceId !== deviceId) continue;
      const { tenantId: _owner, geometryVersion: _version, ...heatmap } = stored;
      if (heatmapValidator.check(heatmap)) out.push(heatmap);
    }
    return out;
  }
}
