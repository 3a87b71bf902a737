import { buckets, type Scene, sceneKey, subjects } from '@sightline/contracts';
import { JsonBucket, type NatsConnection } from '@sightline/nats';
import type { SceneInput } from '../domain/scene-rules.js';

/** Scenes in KV `scenes` under `<tenant>.<device>`; every write bumps `version` and is announced. */
export class SceneStore {
  private constructor(
    private readonly nc: NatsConnection,
    private readonly bucket: JsonBucket<Scene>,
  ) {}

  static async open(nc: NatsConnection): Promise<SceneStore> {
    return new SceneStore(nc, await JsonBucket.open<Scene>(nc, buckets.scenes));
  }

  /** The stored scene, or an empty version-0 scene for a device that has none yet. */
  async get(tenantId: string, deviceId: string, sceneId: string): Promise<Scene> {
    const stored = await this.bucket.get(sceneKey(tenantId, deviceId));
    return stored ?? { tenantId, deviceId, sceneId, version: 0 };
  }

  /** Replace the scene with compare-and-set, so two concurrent PUTs get distinct versions. */
  async put(tenantId: string, deviceId: string, sceneId: string, input: SceneInput): Promise<Scene> {
    const key = sceneKey(tenantId, deviceId);
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await this.bucket.getWithRevision(key);
      const scene: Scene = {
        ...input,
        tenantId,
        deviceId,
        sceneId,
        version: (current?.value.version ?? 0) + 1,
        updatedAt: Date.now(),
      };
      try {
        if (current) await this.bucket.update(key, scene, current.revision);
        else await this.bucket.create(key, scene);
      } catch (err) {
        if (/wrong last sequence|key exists/i.test(String(err))) continue;
        throw err;
      }
      this.nc.publish(subjects.controlChanged('scene', tenantId, deviceId));
      return scene;
    }
    throw new Error('scene changed concurrently too often; try again');
  }

  async delete(tenantId: string, deviceId: string): Promise<void> {
    await this.bucket.delete(sceneKey(tenantId, deviceId));
  }
}
