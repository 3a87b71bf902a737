import type { AppContext } from '../app-context.js';
import { deviceName } from '../app-context.js';
import { h } from '../lib/dom.js';
import type { EventFeed } from '../lib/event-feed.js';
import type { AnalyticEventMessage } from '../lib/types.js';

const analyticNames: Record<string, string> = {
  'NFV4-PC': 'People counting',
  'NFV4-VC': 'Vehicle counting',
  'NFV4-CE': 'Crowd estimate',
  'SL-QUEUE': 'Queue',
  'SL-ZONE': 'Zone',
  'SL-ALERT': 'Alert',
};

function describe(event: AnalyticEventMessage): string {
  const d = event.pipeline_data;
  switch (event.analytic_id) {
    case 'NFV4-PC':
    case 'NFV4-VC':
      return `${d.label ?? 'object'} #${d.track_id ?? '?'} crossed ${d.area_name ?? d.line_id ?? 'a line'} (${d.direction})`;
    case 'NFV4-CE':
      return `${d.estimation} people in ${d.area ?? d.zone_id}`;
    case 'SL-ZONE':
      return `#${d.track_id} ${d.kind === 'enter' ? 'entered' : d.kind === 'leave' ? 'left' : d.kind} ${d.zone_id}`;
    case 'SL-QUEUE':
      return `#${d.track_id} served in ${d.zone_id} after ${Math.round(Number(d.wait_ms) / 1000)} s`;
    case 'SL-ALERT':
      return `${d.state}: ${d.message}`;
    default:
      return String(d.primary_text ?? '');
  }
}

const time = (unixSeconds: string | number) => new Date(Number(unixSeconds) * 1000).toLocaleTimeString();

/** Alerts first (they need a person), then the latest analytic events, both live. */
export function renderFeedPanel(ctx: AppContext, feed: EventFeed, host: HTMLElement): () => void {
  const alertList = h('ol', { class: 'feed alerts', 'aria-live': 'polite', 'aria-label': 'Alerts' });
  const eventList = h('ol', { class: 'feed events', 'aria-label': 'Events' });
  host.replaceChildren(
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'alerts-title' },
      h('h2', { id: 'alerts-title' }, 'Alerts'),
      alertList,
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'events-title' },
      h('h2', { id: 'events-title' }, 'Events'),
      eventList,
    ),
  );
  const stops = [
    feed.alerts.subscribe((alerts) => {
      alertList.replaceChildren(
        ...alerts.map((a) =>
          h(
            'li',
            { class: `alert ${a.severity} ${a.state}` },
            h('span', { class: 'badge' }, a.state === 'firing' ? a.severity : 'resolved'),
            ` ${deviceName(ctx, a.deviceId)}: ${a.message} `,
            h('time', { datetime: new Date(a.at).toISOString() }, new Date(a.at).toLocaleTimeString()),
          ),
        ),
      );
      if (alerts.length === 0) alertList.append(h('li', { class: 'empty' }, 'No alerts.'));
    }),
    feed.events.subscribe((events) => {
      eventList.replaceChildren(
        ...events
          .slice(0, 40)
          .map((e) =>
            h(
              'li',
              {},
              h('span', { class: 'badge' }, analyticNames[e.analytic_id] ?? e.analytic_id),
              ` ${deviceName(ctx, e.stream_id)}: ${describe(e)} `,
              h('time', {}, time(e.timestamp)),
            ),
          ),
      );
      if (events.length === 0) eventList.append(h('li', { class: 'empty' }, 'Waiting for events…'));
    }),
  ];
  return () => {
    for (const stop of stops) stop();
  };
}
