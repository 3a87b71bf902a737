import { type KV, Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/nats-core';

/** A KV bucket of JSON documents. Keys use only [A-Za-z0-9_=./-]. */
export class JsonBucket<T> {
  constructor(readonly kv: KV) {}

  static async open<T>(nc: NatsConnection, name: string): Promise<JsonBucket<T>> {
    return new JsonBucket<T>(await new Kvm(nc).open(name));
  }

  async get(key: string): Promise<T | undefined> {
    const entry = await this.kv.get(key);
    if (entry?.operation !== 'PUT' || entry.length === 0) return undefined;
    return entry.json<T>();
  }

  async getWithRevision(key: string): Promise<{ value: T; revision: number } | undefined> {
    const entry = await this.kv.get(key);
    if (entry?.operation !== 'PUT' || entry.length === 0) return undefined;
    return { value: entry.json<T>(), revision: entry.revision };
  }

  async put(key: string, value: T): Promise<number> {
    return this.kv.put(key, JSON.stringify(value));
  }

  /** Create only if absent; throws when the key exists. */
  async create(key: string, value: T): Promise<number> {
    return this.kv.create(key, JSON.stringify(value));
  }

  /** Compare-and-set on the revision read earlier. */
  async update(key: string, value: T, revision: number): Promise<number> {
    return this.kv.update(key, JSON.stringify(value), revision);
  }

  async delete(key: string): Promise<void> {
    await this.kv.delete(key);
  }

  async keys(filter = '>'): Promise<string[]> {
    const out: string[] = [];
    for await (const k of await this.kv.keys(filter)) out.push(k);
    return out.sort();
  }

  async values(filter = '>'): Promise<T[]> {
    const out: T[] = [];
    for (const key of await this.keys(filter)) {
      const v = await this.get(key);
      if (v !== undefined) out.push(v);
    }
    return out;
  }
}
