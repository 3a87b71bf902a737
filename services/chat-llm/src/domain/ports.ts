import type { AnalyticEvent, DeviceCountsNow, Rollup } from '@sightline/contracts';

/** What the tools need from analytics-aggregation (request/reply on `subjects.analyticsQuery`). */
export interface AnalyticsPort {
  countsNow(
    tenantId: string,
    deviceIds: string[] | undefined,
    signal?: AbortSignal,
  ): Promise<DeviceCountsNow[]>;
  rollups(
    tenantId: string,
    deviceIds: string[] | undefined,
    from: number,
    to: number,
    signal?: AbortSignal,
  ): Promise<Rollup[]>;
}

/** Analytic events and alerts of a tenant as stored on the EVENTS stream. */
export interface EventsPort {
  recent(tenantId: string, sinceMs: number, limit: number): Promise<AnalyticEvent[]>;
}

/** The devices a chat may talk about: id and the name people call it by. */
export interface DeviceInfo {
  deviceId: string;
  name: string;
  labels: string[];
}

export interface DirectoryPort {
  devices(tenantId: string): Promise<DeviceInfo[]>;
}
