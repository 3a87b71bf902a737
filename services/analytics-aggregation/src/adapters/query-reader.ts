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
import { readSubjectRange } from './subject-range.js';

const analysisValidator = compile(AnalysisResult);
const rollupValidator = compile(Rollup);
/** Bounds that keep one query cheap. */
const MAX_DEVICES = 500;
const MAX_ROLLUPS = 10_000;
/** Messages read per subject at most (rollups published after `to` are read and skipped). */
const MAX_SCANNED = 50_000;
/** Up to this many devices, each is read on its own subject rather than the tenant's wildcard. */
const MAX_DEVICE_READS = 50;

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
    const ids = deviceIds ?? (await this.devicesOf(tenantId));
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

  /**
   * Rollups whose minute is in [from, to]. Each device is read on its own subject (one
   * `filter_subject` per consumer, which nats-server 2.9 accepts); without a device list, or
   * with more devices than it is worth a consumer each, the tenant's wildcard is read once and
   * the list applied here.
   */
  async rollups(tenantId: string, from: number, to: number, deviceIds?: string[]): Promise<Rollup[]> {
    if (deviceIds?.length === 0) return [];
    const perDevice = deviceIds !== undefined && deviceIds.length <= MAX_DEVICE_READS;
    const filters = perDevice
      ? [...new Set(deviceIds)].map((d) => subjects.rollups(tenantId, d))
      : [subjects.rollupsOfTenant(tenantId)];
    const wanted = deviceIds ? new Set(deviceIds) : undefined;
    const out: Rollup[] = [];
    for (const filterSubject of filters) {
      if (out.length >= MAX_ROLLUPS) break;
      // Rollups are published after their minute ends, so nothing stored before `from` belongs.
      await readSubjectRange(
        this.jsm,
        this.js,
        { stream: streams.rollups.name, filterSubject, startTime: from, limit: MAX_SCANNED },
        (m) => {
          const value: unknown = m.json();
          if (out.length >= MAX_ROLLUPS || !rollupValidator.check(value)) return;
          if (value.tenantId !== tenantId || value.minute < from || value.minute > to) return;
          if (wanted?.has(value.deviceId) ?? true) out.push(value);
        },
      );
    }
    return out.sort(
      (a, b) =>
        a.minute - b.minute ||
        a.deviceId.localeCompare(b.deviceId) ||
        (a.zoneId ?? '').localeCompare(b.zoneId ?? ''),
    );
  }

  /** The tenant's devices that have an analysis_result on ANALYSIS (at most MAX_DEVICES). */
  async devicesOf(tenantId: string): Promise<string[]> {
    const info = await this.jsm.streams.info(streams.analysis.name, {
      subjects_filter: subjects.analysisOfTenant(tenantId),
    });
    return Object.keys(info.state.subjects ?? {})
      .flatMap((s) => parseDeviceSubject(s)?.deviceId ?? [])
      .sort()
      .slice(0, MAX_DEVICES);
  }
}
