import { type AppContext, type DeviceHealth, signalIn } from '../app-context.js';
import type { LinkStatus } from '../lib/connection.js';
import { fmt, h } from '../lib/dom.js';
import { peopleIn } from '../lib/live-model.js';
import type { DeviceSummary } from '../lib/types.js';
import { renderFrame } from '../render/frame-canvas.js';

function qualityOf(health: DeviceHealth | undefined, fps: number, expected: number): string {
  if (health?.quality !== undefined) return String(health.quality);
  if (fps === 0) return 'no signal';
  return fps >= expected * 0.8 ? 'good' : fps >= expected * 0.4 ? 'fair' : 'poor';
}

/** One camera in the grid: latest frame with boxes and scene, and its fps, latency and quality. */
export function cameraTile(
  ctx: AppContext,
  device: DeviceSummary,
  link: { status: { subscribe(fn: (s: LinkStatus) => void): () => void } } | undefined,
) {
  const canvas = h('canvas', {
    class: 'frame',
    role: 'img',
    'aria-label': `Live frame of ${device.name}`,
    width: 640,
    height: 360,
  });
  const people = h('strong', { class: 'people', 'data-testid': 'people-count' }, '–');
  const fps = h('span', {}, '– fps');
  const latency = h('span', {}, '– ms');
  const quality = h('span', { class: 'quality' }, '–');
  const state = h('span', { class: 'link-dot', title: 'connecting', 'aria-label': 'camera connecting' });
  const open = h(
    'button',
    {
      class: 'tile-open',
      'aria-label': `Open ${device.name}`,
      onclick: () => ctx.go({ view: 'device', deviceId: device.deviceId }),
    },
    canvas,
  );
  const tile = h(
    'article',
    { class: 'tile card', 'data-device-id': device.deviceId, 'aria-label': device.name },
    open,
    h(
      'header',
      { class: 'tile-head' },
      state,
      h('h3', {}, device.name),
      h('span', { class: 'people-label' }, people, ' people'),
    ),
    h('p', { class: 'tile-stats' }, fps, ' · ', latency, ' · ', quality),
  );
  const scene = signalIn(ctx.scenes, device.deviceId);
  const health = signalIn(ctx.health, device.deviceId);
  const update = () => {
    const live = ctx.live.get(device.deviceId);
    const drawn = renderFrame(canvas, live, { zones: scene.value?.zones, lines: scene.value?.lines });
    if (drawn) canvas.dataset.rendered = String(Number(canvas.dataset.rendered ?? 0) + 1);
    canvas.dataset.boxes = String(live.frame?.detections?.length ?? 0);
    if (live.analysis) people.textContent = String(peopleIn(live.analysis));
    const currentFps = health.value?.detectFps ?? ctx.live.fps(device.deviceId);
    fps.textContent = `${fmt(currentFps, 1)} fps`;
    latency.textContent = `${fmt(live.latencyMs)} ms latency`;
    quality.textContent = `quality ${qualityOf(health.value, ctx.live.fps(device.deviceId), device.detectFps)}`;
  };
  const stops = [
    ctx.live.subscribe(device.deviceId, update),
    scene.subscribe(update),
    health.subscribe(update),
    link?.status.subscribe((s) => {
      state.className = `link-dot ${s.state}`;
      state.title = s.detail ? `${s.state}: ${s.detail}` : s.state;
      state.setAttribute('aria-label', `camera ${s.state}`);
    }),
  ];
  return {
    element: tile,
    dispose: () => {
      for (const stop of stops) stop?.();
    },
  };
}
