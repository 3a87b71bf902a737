import { type AppContext, deviceName, loadScene, signalIn } from '../app-context.js';
import { h } from '../lib/dom.js';
import type { EventFeed } from '../lib/event-feed.js';
import { type HeatGrid, heatGridFrom, type Point, seriesFrom, totalsFrom } from '../lib/metrics.js';
import { lineChart } from '../render/chart.js';
import { renderFrame } from '../render/frame-canvas.js';
import { type HourCrossings, statsPanel } from './device-stats.js';

const hourMs = 3_600_000;

/** One camera large: frame with scene and optional heatmap, live numbers, last-hour charts. */
export function renderDeviceView(
  ctx: AppContext,
  feed: EventFeed,
  host: HTMLElement,
  deviceId: string,
): () => void {
  const id = encodeURIComponent(deviceId);
  const canvas = h('canvas', {
    class: 'frame large',
    role: 'img',
    'aria-label': `Live frame of ${deviceName(ctx, deviceId)}`,
  });
  const heatToggle = h('input', { type: 'checkbox', id: 'heatmap-toggle' });
  const heatNote = h('span', { class: 'hint', role: 'status' });
  const stats = h('div', { class: 'stats-host' });
  const scope = h('select', { id: 'chart-scope' }, h('option', { value: '' }, 'Whole camera'));
  const charts = h(
    'section',
    { class: 'card charts', 'aria-label': 'Last hour' },
    h(
      'div',
      { class: 'view-head' },
      h('h3', {}, 'Last hour'),
      h('label', { for: 'chart-scope' }, 'Charts for'),
      scope,
    ),
  );
  const chartHost = h('div', { class: 'chart-host' });
  charts.append(chartHost);
  host.replaceChildren(
    h(
      'div',
      { class: 'view-head' },
      h('button', { class: 'link', onclick: () => ctx.go({ view: 'grid' }) }, '← All cameras'),
      h('h2', { class: 'view-title' }, deviceName(ctx, deviceId)),
      h('label', { class: 'toggle' }, heatToggle, ' Heatmap'),
      heatNote,
      h('button', { onclick: () => ctx.go({ view: 'scene', deviceId }) }, 'Edit scene'),
    ),
    h('div', { class: 'device-layout' }, h('div', { class: 'card frame-card' }, canvas), stats),
    charts,
  );

  const scene = signalIn(ctx.scenes, deviceId);
  let heat: HeatGrid | undefined;
  let rollupPeople: Point[] = [];
  let rollupQueue: Point[] = [];
  let hourCrossings: HourCrossings = new Map();
  const draw = () => {
    const live = ctx.live.get(deviceId);
    renderFrame(canvas, live, {
      zones: scene.value?.zones,
      lines: scene.value?.lines,
      heatmap: heatToggle.checked ? heat : undefined,
    });
  };
  const refreshStats = () =>
    stats.replaceChildren(
      statsPanel(scene.value, ctx.live.get(deviceId).analysis, feed.tally(deviceId), hourCrossings),
    );
  const refreshCharts = () => {
    const to = Date.now();
    // Live points are whole-camera counts: shown with the whole-camera rollups only.
    const livePeople = scope.value ? [] : ctx.live.get(deviceId).people;
    // Rollups cover finished minutes; live points fill the current one.
    const lastRollup = rollupPeople.at(-1)?.at ?? 0;
    chartHost.replaceChildren(
      lineChart(
        'People',
        [
          { label: 'people (per-minute mean)', colour: '#39d353', points: rollupPeople },
          { label: 'people (live)', colour: '#58a6ff', points: livePeople.filter((p) => p.at > lastRollup) },
        ],
        to - hourMs,
        to,
      ),
      lineChart(
        'Queue length',
        [{ label: 'queue length', colour: '#f0883e', points: rollupQueue }],
        to - hourMs,
        to,
      ),
    );
  };
  const loadRollups = async () => {
    const to = Date.now();
    const range = `from=${new Date(to - hourMs).toISOString()}&to=${new Date(to).toISOString()}`;
    const q = (metric: string, bucketSec: number, extra = '') =>
      ctx.api.get(`/api/v1/devices/${id}/metrics?${range}&bucket=${bucketSec}&metric=${metric}${extra}`);
    const zone = scope.value ? `&zone=${encodeURIComponent(scope.value)}` : '';
    const [people, queue] = await Promise.allSettled([
      q('counts_mean', 60, zone),
      q('queue_length_mean', 60, zone),
    ]);
    if (people.status === 'fulfilled') rollupPeople = seriesFrom(people.value, 'counts_mean', 'person');
    if (queue.status === 'fulfilled') rollupQueue = seriesFrom(queue.value, 'queue_length_mean');
    // Crossings roll up per line (the line id as `zone`), counted per class: sum the classes.
    const sum = (m: Map<string, number>) => [...m.values()].reduce((a, n) => a + n, 0);
    const perLine = await Promise.all(
      (scene.value?.lines ?? []).map(async (line) => {
        const zone = `&zone=${encodeURIComponent(line.id)}`;
        const [i, o] = await Promise.allSettled([
          q('crossings_in', 3600, zone),
          q('crossings_out', 3600, zone),
        ]);
        const total = (r: PromiseSettledResult<unknown>) =>
          r.status === 'fulfilled' ? sum(totalsFrom(r.value)) : 0;
        return [line.id, { in: total(i), out: total(o) }] as const;
      }),
    );
    hourCrossings = new Map(perLine);
    refreshCharts();
    refreshStats();
  };
  const loadHeatmap = async () => {
    try {
      heat = heatGridFrom(await ctx.api.get(`/api/v1/devices/${id}/heatmap`));
      heatNote.textContent = heat ? '' : 'No heatmap data yet.';
    } catch (err) {
      heat = undefined;
      heatNote.textContent = `Heatmap unavailable: ${err instanceof Error ? err.message : String(err)}`;
    }
    canvas.dataset.heatmap = heat ? 'drawn' : 'none';
    draw();
  };
  scope.addEventListener('change', () => {
    rollupPeople = [];
    rollupQueue = [];
    void loadRollups();
  });
  heatToggle.addEventListener('change', () => {
    if (heatToggle.checked) void loadHeatmap();
    else {
      heatNote.textContent = '';
      draw();
    }
  });

  let chartTimer = 0;
  const stops = [
    ctx.live.subscribe(deviceId, () => {
      draw();
      refreshStats();
    }),
    scene.subscribe((next) => {
      const chosen = scope.value;
      scope.replaceChildren(
        h('option', { value: '' }, 'Whole camera'),
        ...(next?.zones ?? []).map((z) =>
          h('option', { value: z.id }, `${z.kind === 'queue' ? 'Queue' : 'Zone'}: ${z.name || z.id}`),
        ),
      );
      scope.value = chosen;
      if (scope.selectedIndex < 0) scope.value = '';
      draw();
      refreshStats();
    }),
    feed.tallyVersion.subscribe(refreshStats),
  ];
  void loadScene(ctx, deviceId).catch(() => {});
  void loadRollups();
  const poll = setInterval(() => {
    void loadRollups();
    if (heatToggle.checked) void loadHeatmap();
  }, 30_000);
  chartTimer = window.setInterval(refreshCharts, 5000);
  return () => {
    for (const stop of stops) stop();
    clearInterval(poll);
    clearInterval(chartTimer);
  };
}
