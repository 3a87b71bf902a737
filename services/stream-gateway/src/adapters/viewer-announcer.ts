import { subjects } from '@sightline/contracts';
import type { NatsConnection } from '@sightline/nats';

/**
 * Tells inference which cameras this process has live viewers of, so inference publishes live
 * frames only for those (`live_viewers.<tenant>.<device>`, see contracts). A camera is announced
 * when its first viewer joins, again every `intervalMs` while it has viewers, and at once when an
 * inference replica asks (`live_viewers_sync`, sent when it starts). Nothing is sent when the
 * last viewer leaves: inference stops after a few missed announcements.
 */
export class ViewerAnnouncer {
  private readonly watched = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;
  private readonly sync: ReturnType<NatsConnection['subscribe']>;

  constructor(
    private readonly nc: NatsConnection,
    intervalMs: number,
  ) {
    this.timer = setInterval(() => this.announceAll(), intervalMs);
    this.timer.unref();
    this.sync = nc.subscribe(subjects.liveViewersSync, { callback: () => this.announceAll() });
  }

  /** A hub of this camera started: announce it now and keep announcing until `unwatch`. */
  watch(tenantId: string, deviceId: string): void {
    const subject = subjects.liveViewers(tenantId, deviceId);
    this.watched.set(subject, (this.watched.get(subject) ?? 0) + 1);
    this.announce(subject);
  }

  unwatch(tenantId: string, deviceId: string): void {
    const subject = subjects.liveViewers(tenantId, deviceId);
    const left = (this.watched.get(subject) ?? 1) - 1;
    if (left > 0) this.watched.set(subject, left);
    else this.watched.delete(subject);
  }

  stop(): void {
    clearInterval(this.timer);
    this.sync.unsubscribe();
    this.watched.clear();
  }

  private announceAll(): void {
    for (const subject of this.watched.keys()) this.announce(subject);
  }

  private announce(subject: string): void {
    // Best effort: a lost announcement is repeated at the next interval.
    if (!this.nc.isClosed()) this.nc.publish(subject);
  }
}
