/**
 * JetStream streams, consumers and KV buckets, as plain data. The NATS package provisions them
 * idempotently at start. Changing a name here needs a migration plan.
 */

export interface StreamSpec {
  name: string;
  subjects: string[];
  /** Maximum age in milliseconds. */
  maxAgeMs: number;
  /** Messages kept per subject (-1: unlimited). */
  maxMsgsPerSubject: number;
  /** Window in which a repeated Nats-Msg-Id is dropped, in milliseconds. */
  duplicateWindowMs: number;
  discard: 'old' | 'new';
  /**
   * With discard 'new': refuse a message when its own subject already holds maxMsgsPerSubject
   * (nats-server ≥ 2.9.1), instead of only at the stream's total limits.
   */
  discardNewPerSubject?: boolean;
  /**
   * 'limits' (default) keeps messages until a limit; 'interest' removes a message once every
   * consumer of the stream has acked it.
   */
  retention?: 'limits' | 'interest';
  /** A mirror of this stream (same messages, same sequence numbers, its own limits); no subjects. */
  mirrorOf?: string;
  /**
   * Its messages are worth minutes, not history: provisioning may delete and re-create the stream
   * when a setting NATS cannot change in place (retention, mirror) differs from the spec.
   */
  replaceable?: boolean;
  storage: 'file' | 'memory';
  maxMsgSize?: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Largest frame accepted anywhere; nats-server's max_payload is set to match. */
export const MAX_FRAME_BYTES = 8 * 1024 * 1024;

export const streams = {
  /**
   * Frames waiting for inference. Interest retention: a frame leaves once inference's durable
   * consumer (the stream's only consumer; `ensuredConsumers`) acks it, so the 30 per device are
   * the frames still waiting. A device's 31st waiting frame is refused at publish (err_code
   * 10077) and ingest answers the camera 503 `backlog_full`: nothing accepted is discarded unseen.
   */
  frames: {
    name: 'FRAMES',
    subjects: ['frames.>'],
    maxAgeMs: 5 * MINUTE,
    maxMsgsPerSubject: 30,
    duplicateWindowMs: 2 * MINUTE,
    discard: 'new',
    discardNewPerSubject: true,
    retention: 'interest',
    replaceable: true,
    storage: 'file',
    maxMsgSize: MAX_FRAME_BYTES + 64 * 1024,
  },
  /**
   * The last 30 frames of each device for 5 minutes, analysed or not: a mirror of FRAMES, so a
   * frame keeps its FRAMES sequence (a DetectionBatch's `frameSeq`) and can be read back by it
   * for event images after inference acked it off FRAMES.
   */
  frameHistory: {
    name: 'FRAME_HISTORY',
    subjects: [],
    mirrorOf: 'FRAMES',
    maxAgeMs: 5 * MINUTE,
    maxMsgsPerSubject: 30,
    duplicateWindowMs: 2 * MINUTE,
    discard: 'old',
    replaceable: true,
    storage: 'file',
    maxMsgSize: MAX_FRAME_BYTES + 64 * 1024,
  },
  detections: {
    name: 'DETECTIONS',
    subjects: ['detections.>'],
    maxAgeMs: HOUR,
    maxMsgsPerSubject: -1,
    duplicateWindowMs: 2 * MINUTE,
    discard: 'old',
    storage: 'file',
  },
  analysis: {
    name: 'ANALYSIS',
    subjects: ['analysis.>'],
    maxAgeMs: DAY,
    maxMsgsPerSubject: -1,
    duplicateWindowMs: 2 * MINUTE,
    discard: 'old',
    storage: 'file',
  },
  events: {
    name: 'EVENTS',
    subjects: ['events.>'],
    maxAgeMs: 7 * DAY,
    maxMsgsPerSubject: -1,
    duplicateWindowMs: 2 * MINUTE,
    discard: 'old',
    storage: 'file',
  },
  rollups: {
    name: 'ROLLUPS',
    subjects: ['rollups.>'],
    maxAgeMs: 31 * DAY,
    maxMsgsPerSubject: -1,
    duplicateWindowMs: 2 * MINUTE,
    discard: 'old',
    storage: 'file',
  },
  /** Control-plane changes (who, what, when), readable by each tenant's admins. */
  audit: {
    name: 'AUDIT',
    subjects: ['audit.>'],
    maxAgeMs: 365 * DAY,
    maxMsgsPerSubject: -1,
    duplicateWindowMs: 2 * MINUTE,
    discard: 'old',
    storage: 'file',
  },
} as const satisfies Record<string, StreamSpec>;

export interface ConsumerSpec {
  stream: string;
  durable: string;
  filterSubjects: string[];
  ackWaitMs: number;
  maxDeliver: number;
  maxAckPending: number;
}

export const consumers = {
  /** Shared by every inference replica: they split the frames between them. */
  inference: {
    stream: streams.frames.name,
    durable: 'inference',
    filterSubjects: ['frames.>'],
    ackWaitMs: 30_000,
    maxDeliver: 5,
    maxAckPending: 64,
  },
  /** One per analytics partition owner; `filterSubjects` set from the owned partitions. */
  analytics: (owner: string, partitions: number[]): ConsumerSpec => ({
    stream: streams.detections.name,
    durable: `analytics-${owner}`,
    filterSubjects: partitions.map((p) => `detections.${p}.>`),
    ackWaitMs: 30_000,
    maxDeliver: 10,
    maxAckPending: 1024,
  }),
  /** The gateway's webhook dispatcher: every event, delivered to the tenant's registered URLs. */
  webhooks: {
    stream: 'EVENTS',
    durable: 'webhooks',
    filterSubjects: ['events.>'],
    ackWaitMs: 60_000,
    maxDeliver: 3,
    maxAckPending: 256,
  },
} as const;

/**
 * Durable consumers that must exist as soon as their stream does, whoever provisions first:
 * FRAMES keeps a frame only while a consumer is interested, so without `inference` a frame
 * published before inference first started would be answered 202 and kept by nobody.
 */
export const ensuredConsumers: readonly ConsumerSpec[] = [
  { ...consumers.inference, filterSubjects: [...consumers.inference.filterSubjects] },
];

export const buckets = {
  tenants: 'tenants',
  apiKeys: 'api_keys',
  devices: 'devices',
  scenes: 'scenes',
  chats: 'chats',
  /** Short-lived state: SSE connection slots, stream tickets, pull leases. */
  sessions: 'sessions',
  /** Outbound webhooks per tenant and their delivery records. */
  webhooks: 'webhooks',
  /** analytics-aggregation: each device's latest occupancy grid (`<tenant>.<device>`), for heatmap queries. */
  heatmaps: 'heatmaps',
  /** Browser cookie sessions (`<sha256 of the session id>` → WebSession); written by the gateway only. */
  webSessions: 'web_sessions',
} as const;

export type BucketName = (typeof buckets)[keyof typeof buckets];

/** Longest a browser cookie session may live; the bucket's TTL, so no session outlives it. */
export const WEB_SESSION_MAX_TTL_MS = DAY;

/**
 * Buckets whose entries expire by themselves: the maximum age of an entry since its last write
 * (the stream's max_age), in milliseconds. Set when the bucket is created.
 */
export const bucketTtlMs: Partial<Record<BucketName, number>> = {
  [buckets.webSessions]: WEB_SESSION_MAX_TTL_MS,
};
