import type { KV } from '@nats-io/kv';
import type { Device } from '@sightline/contracts';
import type { Logger } from '@sightline/service-kit';
import type { HealthRegistry } from '../domain/health-registry.js';
import { parsePullSource } from '../domain/pull-source.js';
import type { IngestMetrics } from '../metrics.js';
import { LeaseKeeper, leaseKey } from './pull-lease.js';
import { PullWorker, type PullWorkerDeps } from './pull-worker.js';

export interface PullSupervisorDeps {
  devicesKv: KV;
  sessionsKv: KV;
  instanceId: string;
  leaseTtlMs: number;
  renewMs: number;
  worker: PullWorkerDeps;
  health: HealthRegistry;
  metrics: IngestMetrics;
  logger: Logger;
}

/** Same source, same fps: a change of either restarts the worker. */
const signature = (d: Device) => `${d.sourceUrl}|${d.detectFps}`;

/**
 * Keeps this replica's share of pull sources running: devices are watched live in KV `devices`;
 * every `renewMs` each device with a source URL has its lease renewed or (when free or expired)
 * claimed; a worker runs exactly while its lease is held here.
 */
export class PullSupervisor {
  private readonly devices = new Map<string, Device>();
  private readonly workers = new Map<string, PullWorker>();
  private readonly leases: LeaseKeeper;
  private timer: NodeJS.Timeout | undefined;
  private watchStop: (() => void) | undefined;
  private ticking = false;

  constructor(private readonly deps: PullSupervisorDeps) {
    this.leases = new LeaseKeeper(deps.sessionsKv, deps.instanceId, deps.leaseTtlMs);
  }

  async start(): Promise<void> {
    const watch = await this.deps.devicesKv.watch();
    this.watchStop = () => watch.stop();
    void (async () => {
      for await (const entry of watch) {
        if (entry.operation === 'PUT' && entry.length > 0) this.devices.set(entry.key, entry.json<Device>());
        else this.devices.delete(entry.key);
      }
    })().catch((err) => this.deps.logger.error({ err }, 'device watch ended'));
    this.timer = setInterval(() => void this.tick(), this.deps.renewMs);
  }

  /** Stop every worker and release its lease so another replica takes over at once. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.watchStop?.();
    await Promise.all([...this.workers.keys()].map((key) => this.stopWorker(key, true)));
  }

  private async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      for (const [key, device] of this.devices) {
        if (device.sourceUrl && parsePullSource(device.sourceUrl)) await this.keep(key, device);
      }
      for (const key of this.workers.keys()) {
        const device = this.devices.get(key);
        if (!device?.sourceUrl) await this.stopWorker(key, true);
      }
    } catch (err) {
      this.deps.logger.warn({ err }, 'pull supervision tick failed');
    } finally {
      this.ticking = false;
    }
  }

  private async keep(key: string, device: Device): Promise<void> {
    const lease = leaseKey(device.tenantId, device.deviceId);
    const had = this.leases.holds(lease);
    const holds = await this.leases.ensure(lease);
    if (had && !holds) {
      this.deps.metrics.leaseChanges.inc({ change: 'lost' });
      await this.stopWorker(key, false);
      return;
    }
    if (!holds) return;
    if (!had) this.deps.metrics.leaseChanges.inc({ change: 'acquired' });
    const running = this.workers.get(key);
    if (running && signature(running.device) === signature(device)) return;
    if (running) await this.stopWorker(key, false, false);
    const source = parsePullSource(device.sourceUrl!)!;
    const stats = this.deps.health.get(device.tenantId, device.deviceId, device.detectFps);
    this.workers.set(key, new PullWorker(this.deps.worker, device, source, stats));
    this.deps.metrics.activePulls.set(this.workers.size);
    this.deps.logger.info({ device: device.deviceId, kind: source.kind }, 'pulling device');
  }

  private async stopWorker(key: string, release: boolean, forget = true): Promise<void> {
    const worker = this.workers.get(key);
    this.workers.delete(key);
    this.deps.metrics.activePulls.set(this.workers.size);
    await worker?.stop();
    if (!worker || !forget) return;
    const lease = leaseKey(worker.device.tenantId, worker.device.deviceId);
    if (release) await this.leases.release(lease);
    else this.leases.drop(lease);
  }
}
