import { BaseEnv, ConfigError, loadEnv } from '@sightline/service-kit';
import { Type } from '@sinclair/typebox';
import type { EventImageOptions } from './adapters/event-images.js';
import { resolveOwnership } from './domain/partitions.js';

export const ConfigSchema = Type.Object({
  ...BaseEnv,
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8084 }),
  /** Durable consumer suffix; 'all' by default, derived from the partitions when they are a subset. */
  ANALYTICS_OWNER: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,48}$' })),
  /** Comma list of owned partitions, e.g. "0,1,2". Default: every partition. */
  ANALYTICS_PARTITIONS: Type.Optional(Type.String({ pattern: '^\\s*\\d+(\\s*,\\s*\\d+)*\\s*$' })),
  /** StatefulSet ordinal and replica count: this replica owns partitions p with p % replicas == ordinal. */
  ANALYTICS_ORDINAL: Type.Optional(Type.Integer({ minimum: 0 })),
  ANALYTICS_REPLICAS: Type.Optional(Type.Integer({ minimum: 1 })),
  /** Seed 004 `node_num` of the events this replica emits (default: the ordinal, else 0). */
  ANALYTICS_NODE_NUM: Type.Optional(Type.Integer({ minimum: 0 })),
  /** A device that sent nothing for this long has its open minute published and its state freed. */
  ANALYTICS_IDLE_FLUSH_MS: Type.Integer({ minimum: 1000, default: 90_000 }),
  /** How often each active device's heatmap grid is written to KV `heatmaps` for queries. */
  ANALYTICS_HEATMAP_PUBLISH_MS: Type.Integer({ minimum: 100, default: 15_000 }),
  /** Event images (scene `eventImages`): longest side in px, frames cropped at once, time budget. */
  ANALYTICS_EVENT_IMAGE_MAX_SIDE: Type.Integer({ minimum: 16, maximum: 4096, default: 320 }),
  ANALYTICS_EVENT_IMAGE_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 64, default: 2 }),
  ANALYTICS_EVENT_IMAGE_TIMEOUT_MS: Type.Integer({ minimum: 50, maximum: 20_000, default: 2000 }),
});

export interface Config {
  NATS_URL: string;
  NATS_USER?: string;
  NATS_PASS?: string;
  HOST: string;
  LOG_LEVEL: string;
  SHUTDOWN_TIMEOUT_MS: number;
  PORT: number;
  owner: string;
  partitions: number[];
  nodeNum: number;
  idleFlushMs: number;
  heatmapPublishMs: number;
  eventImages: EventImageOptions;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  const raw = loadEnv(ConfigSchema, env);
  let ownership: { owner: string; partitions: number[] };
  try {
    ownership = resolveOwnership({
      owner: raw.ANALYTICS_OWNER,
      partitionsList: raw.ANALYTICS_PARTITIONS,
      ordinal: raw.ANALYTICS_ORDINAL,
      replicas: raw.ANALYTICS_REPLICAS,
    });
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  return Object.freeze({
    NATS_URL: raw.NATS_URL,
    NATS_USER: raw.NATS_USER,
    NATS_PASS: raw.NATS_PASS,
    HOST: raw.HOST,
    LOG_LEVEL: raw.LOG_LEVEL,
    SHUTDOWN_TIMEOUT_MS: raw.SHUTDOWN_TIMEOUT_MS,
    PORT: raw.PORT,
    ...ownership,
    nodeNum: raw.ANALYTICS_NODE_NUM ?? raw.ANALYTICS_ORDINAL ?? 0,
    idleFlushMs: raw.ANALYTICS_IDLE_FLUSH_MS,
    heatmapPublishMs: raw.ANALYTICS_HEATMAP_PUBLISH_MS,
    eventImages: Object.freeze({
      maxSide: raw.ANALYTICS_EVENT_IMAGE_MAX_SIDE,
      concurrency: raw.ANALYTICS_EVENT_IMAGE_CONCURRENCY,
      timeoutMs: raw.ANALYTICS_EVENT_IMAGE_TIMEOUT_MS,
    }),
  });
}
