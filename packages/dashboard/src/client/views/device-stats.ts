import { fmt, h } from '../lib/dom.js';
import { peopleIn } from '../lib/live-model.js';
import type { AnalysisResult, Scene } from '../lib/types.js';
import { crowdLevel, type DeviceTally, zoneStats } from '../lib/zone-stats.js';

const seconds = (ms: number | undefined) => (ms === undefined ? '–' : `${Math.round(ms / 1000)} s`);

/** Crossings of each line over the last hour, from the rollups. */
export type HourCrossings = Map<string, { in: number; out: number }>;

/** The numbers panel of one device: people now, each zone and queue, each line's in/out. */
export function statsPanel(
  scene: Scene | undefined,
  analysis: AnalysisResult | undefined,
  tally: DeviceTally,
  hour: HourCrossings,
) {
  const people = analysis ? peopleIn(analysis) : undefined;
  const zones = zoneStats(scene, analysis, tally);
  const headline = h(
    'div',
    { class: 'stat-row' },
    stat('People now', fmt(people), 'people-now'),
    stat('Crowd level', people === undefined ? '–' : crowdLevel(people), 'crowd-level'),
    stat('Objects', analysis ? String(analysis.detections.length) : '–'),
  );
  const zoneTable = h(
    'table',
    { class: 'zones-table' },
    h('caption', {}, 'Zones and queues'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...['Zone', 'People', 'Full', 'Queue', 'Wait (pred.)', 'Crowd'].map((t) =>
          h('th', { scope: 'col' }, t),
        ),
      ),
    ),
    h(
      'tbody',
      {},
      ...zones.map((z) =>
        h(
          'tr',
          { 'data-zone-id': z.zoneId },
          h('th', { scope: 'row' }, z.name),
          h('td', { 'data-testid': 'zone-people' }, String(z.peopleNow)),
          h('td', {}, z.occupancy === undefined ? '–' : `${Math.round(z.occupancy * 100)}%`),
          h('td', {}, fmt(z.queueLength)),
          h('td', {}, seconds(z.predictedWaitMs)),
          h('td', {}, z.crowd),
        ),
      ),
    ),
  );
  if (zones.length === 0)
    zoneTable.append(
      h('tr', {}, h('td', { colspan: 6, class: 'empty' }, 'No zones: draw some in the scene editor.')),
    );
  const lines = (scene?.lines ?? []).map((line) => {
    const live = tally.crossings.get(line.id) ?? { in: 0, out: 0 };
    const past = hour.get(line.id) ?? { in: 0, out: 0 };
    return h(
      'li',
      { 'data-line-id': line.id },
      `${line.name || line.id}: `,
      h('strong', {}, `${past.in} in`),
      ' · ',
      h('strong', {}, `${past.out} out`),
      ` in the last hour (+${live.in} in, +${live.out} out since this page opened)`,
    );
  });
  return h(
    'section',
    { class: 'card stats', 'aria-label': 'Live numbers' },
    headline,
    h('div', { class: 'table-scroll' }, zoneTable),
    h('h3', {}, 'Line crossings'),
    lines.length ? h('ul', { class: 'lines-list' }, ...lines) : h('p', { class: 'empty' }, 'No lines.'),
  );
}

function stat(label: string, value: string, testId?: string) {
  return h(
    'div',
    { class: 'stat' },
    h('span', { class: 'stat-label' }, label),
    h('span', { class: 'stat-value', 'data-testid': testId }, value),
  );
}
