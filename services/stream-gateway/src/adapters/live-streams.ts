import { subjects } from '@sightline/contracts';
import type { NatsConnection } from '@sightline/nats';
import type { GatewayMetrics } from '../metrics.js';
import { HubRegistry } from './hub-registry.js';
import { LiveHub, type LiveViewer } from './live-hub.js';
import { ViewerAnnouncer } from './viewer-announcer.js';

/** Shared live-frame subscriptions of this process, one per camera. */
export class LiveStreams {
  readonly hubs: HubRegistry<LiveHub>;
  private readonly announcer: ViewerAnnouncer;

  constructor(
    private readonly nc: NatsConnection,
    private readonly metrics: GatewayMetrics,
    lingerMs: number,
    announceMs: number,
  ) {
    this.hubs = new HubRegistry(lingerMs, (n) => metrics.hubs.set({ kind: 'live' }, n));
    this.announcer = new ViewerAnnouncer(nc, announceMs);
  }

  /** Start sending these cameras' frames to the viewer; returns the function that stops it. */
  async watch(tenantId: string, deviceIds: string[], viewer: LiveViewer): Promise<() => void> {
    const keys: string[] = [];
    const joined: LiveHub[] = [];
    for (const deviceId of deviceIds) {
      const subject = subjects.live(tenantId, deviceId);
      const hub = await this.hubs.acquire(
        subject,
        () =>
          new LiveHub(this.nc, subject, deviceId, {
            onDrop: (reason) => this.metrics.drops.inc({ reason: `live_${reason}` }),
            // A hub lives while it has viewers (and a short linger): inference sends its frames.
            onStart: () => this.announcer.watch(tenantId, deviceId),
            onStop: () => this.announcer.unwatch(tenantId, deviceId),
          }),
      );
      hub.viewers.add(viewer);
      keys.push(subject);
      joined.push(hub);
    }
    return () => {
      for (const hub of joined) hub.viewers.delete(viewer);
      for (const key of keys) this.hubs.release(key);
    };
  }

  stop(): void {
    this.hubs.stopAll();
    this.announcer.stop();
  }
}
