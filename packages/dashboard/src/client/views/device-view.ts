import { type AppContext, deviceName, loadScene, signalIn } from '../app-context.js';
import { h } from '../lib/dom.js';
import type { EventFeed } from '../lib/event-feed.js';
import { type HeatGrid, heatGridFrom, type Point, seriesFrom } from '../lib/metrics.js';
import { lineChart } from '../render/chart.js';
import { renderFrame } from '../render/frame-canvas.js';
import { statsPanel } from './device-stats.js';

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
  const stats = h('div', { class: 'stats-host' });
  const charts = h('section', { class: 'card charts', 'aria-label': 'Last hour' }, h('h3', {}, 'Last hour'));
  const chartHost = h('div', { class: 'chart-host' });
  charts.append(chartHost);
  host.replaceChildren(
    h(
      'div',
      { class: 'view-head' },
      h('button', { class: 'link', onclick: () => ctx.go({ view: 'grid' }) }, '← All cameras'),
      h('h2', { class: 'view-title' }, deviceName(ctx, deviceId)),
      h('label', { class: 'toggle' }, heatToggle, ' Heatmap'),
      h('button', { onclick: () => ctx.go({ view: 'scene', deviceId }) }, 'Edit scene'),
    ),
    h('div', { class: 'device-layout' }, h('div', { class: 'card frame-card' }, canvas), stats),
    charts,
  );

  const scene = signalIn(ctx.scenes, deviceId);
  let heat: HeatGrid | undefined;
  let rollupPeople: Point[] = [];
  let rollupQueue: Point[] = [];
  const draw = () => {
    const live = ctx.live.get(deviceId);
    renderFrame(canvas, live, {
      zones: scene.value?.zones,
      lines: scene.value?.lines,
      heatmap: heatToggle.checked ? heat : undefined,
    });
  };
  const refreshStats = () =>
    stats.replaceChildren(statsPanel(scene.value, ctx.live.get(deviceId).analysis, feed.tally(deviceId)));
  const refreshCharts = () => {
    const to = Date.now();
    const livePeople = ctx.live.get(deviceId).people;
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
    const q = (metric: string) =>
      `/api/v1/devices/${id}/metrics?from=${to - hourMs}&to=${to}&bucket=1m&metric=${metric}`;
    const [people, queue] = await Promise.allSettled([
      ctx.api.get(q('people')),
      ctx.api.get(q('queue_length')),
    ]);
    if (people.status === 'fulfilled') rollupPeople = seriesFrom(people.value, 'people');
    if (queue.status === 'fulfilled') rollupQueue = seriesFrom(queue.value, 'queue_length');
    refreshCharts();
  };
  const loadHeatmap = async () => {
    try {
      heat = heatGridFrom(await ctx.api.get(`/api/v1/devices/${id}/heatmap`));
    } catch {
      heat = undefined;
    }
    draw();
  };
  heatToggle.addEventListener('change', () => (heatToggle.checked ? void loadHeatmap() : draw()));

  let chartTimer = 0;
  const stops = [
    ctx.live.subscribe(deviceId, () => {
      draw();
      refreshStats();
    }),
    scene.subscribe(() => {
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
