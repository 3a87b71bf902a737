import './styles.css';
import type { Alert } from '@sightline/contracts';
import { type AppContext, type DeviceHealth, type Route, signalIn } from './app-context.js';
import { openAnalysisStream } from './lib/analysis-stream.js';
import type { ReconnectLoop } from './lib/connection.js';
import { h } from './lib/dom.js';
import { EventFeed } from './lib/event-feed.js';
import { Api } from './lib/http.js';
import { LiveModel } from './lib/live-model.js';
import { type SessionInfo, session } from './lib/session.js';
import { Signal } from './lib/signal.js';
import { openSessionSocket } from './lib/socket.js';
import { type DeviceSummary, type FrameData, listOf } from './lib/types.js';
import { renderChatPanel } from './views/chat-panel.js';
import { renderDeviceView } from './views/device-view.js';
import { renderFeedPanel } from './views/feed-panel.js';
import { renderGrid } from './views/grid.js';
import { renderSceneEditor } from './views/scene-editor.js';
import { renderSignIn } from './views/signin.js';
import { renderStatusBar } from './views/status-bar.js';

const root = document.getElementById('app')!;

function parseRoute(hash: string): Route {
  const [view, id] = hash.replace(/^#\/?/, '').split('/');
  if (view === 'device' && id) return { view: 'device', deviceId: decodeURIComponent(id) };
  if (view === 'scene' && id) return { view: 'scene', deviceId: decodeURIComponent(id) };
  return { view: 'grid' };
}

function routeHash(route: Route): string {
  return route.view === 'grid' ? '#/' : `#/${route.view}/${encodeURIComponent(route.deviceId)}`;
}

/** Signed in: the session cookie authenticates everything from here on. */
function start(_info: SessionInfo): void {
  let signedOut = false;
  const signOut = async (notice?: string) => {
    if (signedOut) return;
    signedOut = true;
    for (const loop of ctx.links.value.values()) loop.stop();
    clearInterval(healthTimer);
    await session.close();
    renderSignIn(root, () => location.reload(), notice);
  };
  // A 401 may come from a route that does not take the cookie; only the gateway can say whether
  // the session itself ended (expired, or its key revoked). One check at a time.
  let checking = false;
  const confirmSessionEnded = () => {
    if (checking || signedOut) return;
    checking = true;
    void session
      .current()
      .then((info) => {
        if (!info) void signOut('Your session ended (expired, or its key was revoked). Sign in again.');
      })
      .catch(() => {})
      .finally(() => {
        checking = false;
      });
  };
  const ctx: AppContext = {
    api: new Api(confirmSessionEnded),
    live: new LiveModel(),
    devices: new Signal<DeviceSummary[]>([]),
    scenes: new Map(),
    health: new Map(),
    links: new Signal(new Map<string, ReconnectLoop>()),
    go: (route) => {
      location.hash = routeHash(route);
    },
  };
  const feed = new EventFeed();

  const main = h('main', { id: 'main', class: 'content', tabindex: -1 });
  const aside = h('aside', { class: 'side' });
  const feedHost = h('div', { class: 'feed-host' });
  const chatHost = h('div', { class: 'chat-host' });
  aside.append(chatHost, feedHost);
  const status = h('div', { class: 'status' });
  root.replaceChildren(
    h('a', { class: 'skip', href: '#main' }, 'Skip to content'),
    h(
      'header',
      { class: 'top' },
      h('h1', {}, 'Sightline'),
      status,
      h('button', { type: 'button', class: 'link', onclick: () => void signOut() }, 'Sign out'),
    ),
    h('div', { class: 'layout' }, main, aside),
  );

  const links = new Map<string, ReconnectLoop>();
  links.set(
    'Analysis',
    openAnalysisStream((result) => ctx.live.addAnalysis(result)),
  );
  links.set(
    'Events',
    openSessionSocket('/ws/events', (m) => feed.add(m)),
  );
  ctx.links.set(links);
  renderStatusBar(ctx, status);
  renderChatPanel(ctx, chatHost);
  renderFeedPanel(ctx, feed, feedHost);
  void ctx.api
    .get<unknown>('/api/v1/alerts')
    .then((body) => feed.addAlerts(listOf<Alert>(body, 'items').concat(listOf<Alert>(body, 'alerts'))))
    .catch(() => {});

  const loadDevices = async () => {
    const devices = listOf<DeviceSummary>(await ctx.api.get('/api/v1/devices?limit=200'), 'items');
    const next = new Map(ctx.links.value);
    for (const device of devices) {
      const name = `camera:${device.deviceId}`;
      if (next.has(name)) continue;
      next.set(
        name,
        openSessionSocket(`/ws/stream/${encodeURIComponent(device.deviceId)}`, (m) => {
          void ctx.live.addFrame(device.deviceId, m as FrameData).catch(() => {});
        }),
      );
      void ctx.api
        .get(`/api/v1/devices/${encodeURIComponent(device.deviceId)}/scene`)
        .then((scene) => signalIn(ctx.scenes, device.deviceId).set(scene as never))
        .catch(() => {});
    }
    ctx.links.set(next);
    ctx.devices.set(devices);
  };
  const pollHealth = () => {
    for (const device of ctx.devices.value) {
      void ctx.api
        .get<DeviceHealth>(`/api/v1/devices/${encodeURIComponent(device.deviceId)}/health`)
        .then((health) => signalIn(ctx.health, device.deviceId).set(health))
        .catch(() => {});
    }
  };
  const healthTimer = setInterval(pollHealth, 10_000);

  let disposeView: (() => void) | undefined;
  const show = () => {
    disposeView?.();
    const route = parseRoute(location.hash);
    if (route.view === 'device') disposeView = renderDeviceView(ctx, feed, main, route.deviceId);
    else if (route.view === 'scene') disposeView = renderSceneEditor(ctx, main, route.deviceId);
    else disposeView = renderGrid(ctx, main);
    document.title = route.view === 'grid' ? 'Sightline' : `Sightline · ${route.view}`;
  };
  window.addEventListener('hashchange', show);
  void loadDevices()
    .then(() => {
      show();
      pollHealth();
    })
    .catch((err) => {
      main.replaceChildren(
        h('p', { class: 'form-error', role: 'alert' }, `Could not load devices: ${String(err)}`),
      );
    });
}

// Signed in already when the browser holds a live session cookie (HttpOnly: only the server can tell).
session.forgetLegacyKey();
session.current().then(
  (info) => (info ? start(info) : renderSignIn(root, start)),
  (err) => renderSignIn(root, start, `Could not reach the server: ${String(err)}`),
);
