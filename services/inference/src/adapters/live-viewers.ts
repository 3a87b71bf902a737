import { subjects } from '@sightline/contracts';
import type { NatsConnection } from '@sightline/nats';

/**
 * Which cameras some gateway has live viewers of, from their `live_viewers.<tenant>.<device>`
 * announcements (see contracts). A camera counts as watched for `ttlMs` after its last
 * announcement; gateways repeat them well within that, and answer `live_viewers_sync` (sent
 * here at start) at once, so a restarted replica knows the watched cameras within a round trip.
 */
export class LiveViewers {
  private readonly lastSeen = new Map<string, number>();
  private readonly sub: ReturnType<NatsConnection['subscribe']>;

  private constructor(
    nc: NatsConnection,
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {
    this.sub = nc.subscribe(subjects.liveViewersAll, {
      callback: (err, msg) => {
        if (!err) this.lastSeen.set(msg.subject, this.now());
      },
    });
  }

  static async open(nc: NatsConnection, ttlMs: number, now: () => number = Date.now): Promise<LiveViewers> {
    const viewers = new LiveViewers(nc, ttlMs, now);
    // The subscription is on the server before gateways are asked to announce.
    await nc.flush();
    nc.publish(subjects.liveViewersSync);
    return viewers;
  }

  isWatched(tenantId: string, deviceId: string): boolean {
    const subject = subjects.liveViewers(tenantId, deviceId);
    const seen = this.lastSeen.get(subject);
    if (seen === undefined) return false;
    if (this.now() - seen <= this.ttlMs) return true;
    this.lastSeen.delete(subject);
    return false;
  }

  stop(): void {
    this.sub.unsubscribe();
  }
}
