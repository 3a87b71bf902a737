import { type JetStreamClient, type JetStreamManager, jetstreamManager } from '@nats-io/jetstream';
import {
  AnalysisResult,
  compile,
  type DeviceCountsNow,
  parseDeviceSubject,
  Rollup,
  streams,
  subjects,
} from '@sightline/contracts';
import type { NatsConnection } from '@sightline/nats';

const analysisValidator = compile(AnalysisResult);
const rollupValidator = compile(Rollup);
/** Bounds that keep one query cheap. */
const MAX_DEVICES = 500;
const MAX_ROLLUPS = 10_000;

/**
 * Reads answers from the streams themselves, not from a replica's memory: the latest
 * analysis_result per device is the last message on its ANALYSIS subject, and rollups are on
 * ROLLUPS. So any replica answers for any device, whichever replica owns its partition.
 */
export class QueryReader {
  private constructor(
    private readonly jsm: JetStreamManager,
    private readonly js: JetStreamClient,
  ) {}

  static async open(nc: NatsConnection, js: JetStreamClient): Promise<QueryReader> {
    return new QueryReader(await jetstreamManager(nc), js);
  }

  async countsNow(tenantId: string, deviceIds?: string[]): Promise<DeviceCountsNow[]> {
    const ids = deviceIds ?? (await this.devicesWithAnalysis(tenantId));
    const out: DeviceCountsNow[] = [];
    for (const deviceId of ids.slice(0, MAX_DEVICES)) {
      const msg = await this.jsm.streams
        .getMessage(streams.analysis.name, { last_by_subj: subjects.analysis(tenantId, deviceId) })
        .catch(() => null);
      const value: unknown = msg ? msg.json() : undefined;
      if (!analysisValidator.check(value)) {
        out.push({ deviceId, counts: {} });
        continue;
      }
      out.push({
        deviceId,
        at: Date.parse(value.timestamp),
        frameId: value.frameId,
        counts: value.counts ?? {},
      });
    }
    return out;
  }

  async rollups(tenantId: string, from: number, to: number, deviceIds?: string[]): Promise<Rollup[]> {
    if (deviceIds?.length === 0) return [];
    // One filter subject (nats-server 2.9 has no filter_subjects): the device's own, or the
    // tenant's wildcard with the device list applied here.
    const filter =
      deviceIds?.length === 1
        ? subjects.rollups(tenantId, deviceIds[0]!)
        : subjects.rollupsOfTenant(tenantId);
    const wanted = deviceIds ? new Set(deviceIds) : undefined;
    // Rollups are published after their minute ends, so nothing published before `from` belongs.
    const consumer = await this.js.consumers.get(streams.rollups.name, {
      filter_subjects: filter,
      opt_start_time: new Date(from).toISOString(),
    });
    const out: Rollup[] = [];
    let pending = (await consumer.info()).num_pending;
    while (pending > 0 && out.length < MAX_ROLLUPS) {
      const batch = await consumer.fetch({ max_messages: Math.min(pending, 1000), expires: 2000 });
      let received = 0;
      for await (const m of batch) {
        received++;
        pending = m.info.pending;
        const value: unknown = m.json();
        const inRange = rollupValidator.check(value) && value.minute >= from && value.minute <= to;
        if (inRange && (wanted?.has(value.deviceId) ?? true)) out.push(value);
        if (pending === 0) break;
      }
      if (received === 0) break;
    }
    await consumer.delete().catch(() => undefined);
    return out.sort((a, b) => a.minute - b.minute || a.deviceId.localeCompare(b.deviceId));
  }

  private async devicesWithAnalysis(tenantId: string): Promise<string[]> {
    const info = await this.jsm.streams.info(streams.analysis.name, {
      subjects_filter: subjects.analysisOfTenant(tenantId),
    });
    return Object.keys(info.state.subjects ?? {})
      .flatMap((s) => parseDeviceSubject(s)?.deviceId ?? [])
      .sort();
  }
}
