import type { Alert } from '@sightline/contracts';
import { Signal } from './signal.js';
import type { AnalyticEventMessage } from './types.js';
import { type DeviceTally, emptyTally, tallyEvent } from './zone-stats.js';

const keep = 100;

/** The events socket's messages, the alerts among them, and each device's tally. */
export class EventFeed {
  readonly events = new Signal<AnalyticEventMessage[]>([]);
  readonly alerts = new Signal<Alert[]>([]);
  private readonly tallies = new Map<string, DeviceTally>();
  readonly tallyVersion = new Signal(0);

  tally(deviceId: string): DeviceTally {
    let tally = this.tallies.get(deviceId);
    if (!tally) {
      tally = emptyTally();
      this.tallies.set(deviceId, tally);
    }
    return tally;
  }

  add(message: unknown): void {
    const event = message as AnalyticEventMessage;
    if (!event || typeof event.analytic_id !== 'string' || typeof event.event_id !== 'string') return;
    if (this.events.value.some((e) => e.event_id === event.event_id)) return;
    this.events.set([event, ...this.events.value].slice(0, keep));
    tallyEvent(this.tally(event.stream_id), event);
    this.tallyVersion.set(this.tallyVersion.value + 1);
    if (event.analytic_id === 'SL-ALERT') this.addAlerts([event.pipeline_data as unknown as Alert]);
  }

  addAlerts(alerts: Alert[]): void {
    const known = new Set(this.alerts.value.map((a) => a.alertId));
    const fresh = alerts.filter((a) => a && typeof a.alertId === 'string' && !known.has(a.alertId));
    if (fresh.length === 0) return;
    this.alerts.set([...fresh, ...this.alerts.value].sort((a, b) => b.at - a.at).slice(0, keep));
  }
}
