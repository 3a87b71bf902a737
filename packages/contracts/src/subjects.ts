/**
 * Subject names are data, built here and nowhere else.
 * Do not change a subject's shape without a migration plan: streams, consumers and NATS
 * permissions in deploy/ and k8s/ all match on these patterns.
 */

/** A NATS subject token must not contain '.', '*', '>' or whitespace. */
const TOKEN = /^[A-Za-z0-9_-]+$/;

export function assertToken(value: string, what: string): string {
  if (!TOKEN.test(value)) throw new Error(`${what} "${value}" is not a valid subject token`);
  return value;
}

/** Number of detection partitions; analytics replicas each own a fixed subset. */
export const DEFAULT_PARTITIONS = 8;

/** Stable partition of a device: FNV-1a of its id, modulo the partition count. */
export function partitionOf(deviceId: string, partitions = DEFAULT_PARTITIONS): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < deviceId.length; i++) {
    hash ^= deviceId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % partitions;
}

export const subjects = {
  frames: (tenant: string, device: string) =>
    `frames.${assertToken(tenant, 'tenant')}.${assertToken(device, 'device')}`,
  framesAll: 'frames.>',
  detections: (partition: number, tenant: string, device: string) =>
    `detections.${partition}.${assertToken(tenant, 'tenant')}.${assertToken(device, 'device')}`,
  detectionsOfPartition: (partition: number) => `detections.${partition}.>`,
  detectionsAll: 'detections.>',
  analysis: (tenant: string, device: string) =>
    `analysis.${assertToken(tenant, 'tenant')}.${assertToken(device, 'device')}`,
  analysisOfTenant: (tenant: string) => `analysis.${assertToken(tenant, 'tenant')}.*`,
  events: (tenant: string, device: string, analytic: string) =>
    `events.${assertToken(tenant, 'tenant')}.${assertToken(device, 'device')}.${assertToken(analytic, 'analytic')}`,
  eventsOfTenant: (tenant: string) => `events.${assertToken(tenant, 'tenant')}.>`,
  /** One analytic's events of every device of a tenant (e.g. its alerts). */
  eventsOfTenantAnalytic: (tenant: string, analytic: string) =>
    `events.${assertToken(tenant, 'tenant')}.*.${assertToken(analytic, 'analytic')}`,
  rollups: (tenant: string, device: string) =>
    `rollups.${assertToken(tenant, 'tenant')}.${assertToken(device, 'device')}`,
  rollupsOfTenant: (tenant: string) => `rollups.${assertToken(tenant, 'tenant')}.*`,
  live: (tenant: string, device: string) =>
    `live.${assertToken(tenant, 'tenant')}.${assertToken(device, 'device')}`,
  /**
   * Core NATS, empty body: a gateway has live viewers of this camera. Announced when the first
   * viewer joins and then every few seconds; inference publishes a camera's live frames only
   * while such announcements keep coming, so unwatched cameras cost no live-frame traffic.
   */
  liveViewers: (tenant: string, device: string) =>
    `live_viewers.${assertToken(tenant, 'tenant')}.${assertToken(device, 'device')}`,
  liveViewersAll: 'live_viewers.*.*',
  /** Core NATS: an inference replica (re)started; gateways announce all their watched cameras now. */
  liveViewersSync: 'live_viewers_sync',
  /** Request/reply: metric queries answered by analytics-aggregation. */
  analyticsQuery: 'sightline.analytics.query',
  /** Control-plane change notifications (device or scene changed), core NATS. */
  controlChanged: (kind: 'device' | 'scene', tenant: string, device: string) =>
    `control.${kind}.${assertToken(tenant, 'tenant')}.${assertToken(device, 'device')}`,
  /** Control-plane audit trail on AUDIT: who changed what, per tenant and resource kind. */
  audit: (tenant: string, resource: string) =>
    `audit.${assertToken(tenant, 'tenant')}.${assertToken(resource, 'resource')}`,
  auditOfTenant: (tenant: string) => `audit.${assertToken(tenant, 'tenant')}.>`,
} as const;

/** Parse `<kind>.<tenant>.<device>` (or with a partition) back into its parts. */
export function parseDeviceSubject(subject: string): { tenantId: string; deviceId: string } | undefined {
  const parts = subject.split('.');
  if (parts[0] === 'detections' && parts.length === 4) return { tenantId: parts[2]!, deviceId: parts[3]! };
  if (parts.length >= 3) return { tenantId: parts[1]!, deviceId: parts[2]! };
  return undefined;
}
