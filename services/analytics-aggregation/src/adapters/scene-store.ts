import { type KV, type KvEntry, Kvm } from '@nats-io/kv';
import { buckets, compile, Scene, sceneKey } from '@sightline/contracts';
import type { NatsConnection } from '@sightline/nats';
import type { Logger } from '@sightline/service-kit';

const validator = compile(Scene);

export type SceneChange = 'applied' | 'invalid' | 'deleted';

/**
 * Scenes of the `scenes` KV bucket, kept in memory and followed with a KV watch, so an edit
 * made through the gateway applies to the next frame without a restart. An invalid scene is
 * refused (counted, logged) and the previous version stays in force.
 */
export class SceneStore {
  private readonly scenes = new Map<string, { scene: Scene; revision: number }>();
  private watcher: { stop(): void } | undefined;

  private constructor(
    private readonly kv: KV,
    private readonly logger: Logger,
    private readonly onChange: (result: SceneChange) => void,
  ) {}

  static async open(nc: NatsConnection, logger: Logger, onChange: (result: SceneChange) => void = () => {}) {
    const store = new SceneStore(await new Kvm(nc).open(buckets.scenes), logger, onChange);
    await store.loadAll();
    await store.watch();
    return store;
  }

  get(tenantId: string, deviceId: string): Scene | undefined {
    return this.scenes.get(sceneKey(tenantId, deviceId))?.scene;
  }

  stop(): void {
    this.watcher?.stop();
  }

  private async loadAll(): Promise<void> {
    const keys: string[] = [];
    for await (const key of await this.kv.keys()) keys.push(key);
    for (const key of keys) {
      const entry = await this.kv.get(key);
      if (entry) this.apply(entry);
    }
  }

  private async watch(): Promise<void> {
    const iter = await this.kv.watch({ key: '>' });
    this.watcher = iter;
    void (async () => {
      for await (const entry of iter) this.apply(entry);
    })().catch((err) => this.logger.error({ err }, 'scene watch ended'));
  }

  /** Entries can arrive twice (initial load, then the watch); the revision orders them. */
  private apply(entry: KvEntry): void {
    const known = this.scenes.get(entry.key);
    if (known && known.revision >= entry.revision) return;
    if (entry.operation !== 'PUT' || entry.length === 0) {
      this.scenes.delete(entry.key);
      this.onChange('deleted');
      return;
    }
    let value: unknown;
    try {
      value = entry.json();
    } catch {
      value = undefined;
    }
    if (!validator.check(value) || sceneKey(value.tenantId, value.deviceId) !== entry.key) {
      this.logger.warn({ key: entry.key, errors: validator.errors(value) }, 'invalid scene refused');
      this.onChange('invalid');
      return;
    }
    this.scenes.set(entry.key, { scene: value, revision: entry.revision });
    this.onChange('applied');
  }
}
