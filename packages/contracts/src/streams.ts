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
  storage: 'file' | 'memory';
  maxMsgSize?: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Largest frame accepted anywhere; nats-server's max_payload is set to match. */
export const MAX_FRAME_BYTES = 8 * 1024 * 1024;

export const streams = {
  frames: {
    name: 'FRAMES',
    subjects: ['frames.>'],
    maxAgeMs: 5 * MINUTE,
    maxMsgsPerSubject: 30,
    duplicateWindowMs: 2 * MINUTE,
    discard: 'old',
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
} as const;

export type BucketName = (typeof buckets)[keyof typeof buckets];
