import { buckets, type Scene, sceneKey } from '@sightline/contracts';
import { JsonBucket, type NatsConnection } from '@sightline/nats';

/** What inference needs of a device's scene: which detector, which classes. */
export interface DetectionNeeds {
  model?: string;
  classes?: ReadonlySet<string>;
}

/**
 * Each device's detection needs from its scene in the `scenes` bucket, cached briefly so a frame
 * costs no KV round trip; an edit reaches inference within the cache time.
 */
export class DeviceScenes {
  private readonly cache = new Map<string, { needs: DetectionNeeds; until: number }>();

  constructor(
    private readonly scenes: Pick<JsonBucket<Scene>, 'get'>,
    private readonly ttlMs = 5000,
    private readonly now: () => number = Date.now,
  ) {}

  static async open(nc: NatsConnection, ttlMs?: number): Promise<DeviceScenes> {
    return new DeviceScenes(await JsonBucket.open<Scene>(nc, buckets.scenes), ttlMs);
  }

  async needsOf(tenantId: string, deviceId: string): Promise<DetectionNeeds> {
    const key = sceneKey(tenantId, deviceId);
    const hit = this.cache.get(key);
    if (hit && hit.until > this.now()) return hit.needs;
    const scene = await this.scenes.get(key);
    const needs: DetectionNeeds = {
      ...(scene?.model ? { model: scene.model } : {}),
      ...(scene?.classes?.length ? { classes: new Set(scene.classes) } : {}),
    };
    if (this.cache.size > 50_000) this.cache.clear();
    this.cache.set(key, { needs, until: this.now() + this.ttlMs });
    return needs;
  }
}
