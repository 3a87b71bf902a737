import { buckets } from '@sightline/contracts';
import { JsonBucket, type NatsConnection } from '@sightline/nats';
import type { Logger } from '@sightline/service-kit';
import type { ConnectionQuality, DeviceHealth } from '../domain/health.js';
import type { HealthRegistry } from '../domain/health-registry.js';
import type { IngestMetrics } from '../metrics.js';

const qualityValue: Record<ConnectionQuality, number> = { excellent: 3, fair: 2, poor: 1, unusable: 0 };

export const healthKey = (tenantId: string, deviceId: string) => `health.${tenantId}.${deviceId}`;

/** Health in KV `sessions`, so the gateway (or any ingest replica) can serve it. */
export class HealthStore {
  private constructor(private readonly bucket: JsonBucket<DeviceHealth>) {}

  static async open(nc: NatsConnection): Promise<HealthStore> {
    return new HealthStore(await JsonBucket.open<DeviceHealth>(nc, buckets.sessions));
  }

  read(tenantId: string, deviceId: string): Promise<DeviceHealth | undefined> {
    return this.bucket.get(healthKey(tenantId, deviceId));
  }

  write(health: DeviceHealth): Promise<number> {
    return this.bucket.put(healthKey(health.tenantId, health.deviceId), health);
  }
}

const FORGET_AFTER_MS = 3600_000;

function isForgotten(h: DeviceHealth, now: number): boolean {
  return !h.pulling && (h.lastFrameAt === null || now - h.lastFrameAt > FORGET_AFTER_MS);
}

/** Every few seconds: snapshot each device seen here, set the gauges, write KV. */
export function startHealthPublisher(deps: {
  registry: HealthRegistry;
  store: HealthStore;
  metrics: IngestMetrics;
  logger: Logger;
  intervalMs: number;
}): () => void {
  const tick = async () => {
    const now = Date.now();
    for (const stats of deps.registry.all()) {
      const h = stats.snapshot(now);
      const labels = { tenant: h.tenantId, device: h.deviceId };
      if (isForgotten(h, now)) {
        // A device silent for an hour stops costing a KV write and five series; its last record stays in KV.
        deps.registry.remove(h.tenantId, h.deviceId);
        for (const gauge of [
          deps.metrics.cameraFps,
          deps.metrics.detectFps,
          deps.metrics.skippedFps,
          deps.metrics.lastFrameAge,
          deps.metrics.connectionQuality,
        ]) {
          gauge.remove(labels);
        }
        continue;
      }
      deps.metrics.cameraFps.set(labels, h.cameraFps);
      deps.metrics.detectFps.set(labels, h.detectFps);
      deps.metrics.skippedFps.set(labels, h.skippedFps);
      deps.metrics.lastFrameAge.set(labels, h.lastFrameAgeSec ?? -1);
      deps.metrics.connectionQuality.set(labels, qualityValue[h.quality]);
      await deps.store
        .write(h)
        .catch((err) => deps.logger.warn({ err, device: h.deviceId }, 'health write failed'));
    }
  };
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    void tick().finally(() => {
      running = false;
    });
  }, deps.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
