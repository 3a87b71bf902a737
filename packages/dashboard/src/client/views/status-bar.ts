import type { AppContext } from '../app-context.js';
import type { LinkStatus } from '../lib/connection.js';
import { h } from '../lib/dom.js';

const words: Record<LinkStatus['state'], string> = {
  connecting: 'connecting',
  open: 'live',
  reconnecting: 'reconnecting',
  closed: 'closed',
};

/** One pill per stream ("Analysis: live", "Events: reconnecting in 4 s") in the header. */
export function renderStatusBar(ctx: AppContext, host: HTMLElement): () => void {
  const list = h('ul', { class: 'links', 'aria-label': 'Connection state' });
  host.replaceChildren(list);
  let stops: Array<() => void> = [];
  const render = () => {
    for (const s of stops) s();
    stops = [];
    list.replaceChildren();
    for (const [name, loop] of ctx.links.value) {
      if (name.startsWith('camera:')) continue;
      const pill = h('li', { class: 'link-pill' });
      list.append(pill);
      stops.push(
        loop.status.subscribe((s) => {
          pill.className = `link-pill ${s.state}`;
          pill.dataset.state = s.state;
          const wait = s.retryAt ? ` in ${Math.max(0, Math.round((s.retryAt - Date.now()) / 1000))} s` : '';
          pill.textContent = `${name}: ${words[s.state]}${s.state === 'reconnecting' ? wait : ''}`;
          pill.title = s.detail ?? '';
        }),
      );
    }
    const cameras = [...ctx.links.value].filter(([n]) => n.startsWith('camera:'));
    if (cameras.length) {
      const pill = h('li', { class: 'link-pill' });
      list.append(pill);
      const update = () => {
        const open = cameras.filter(([, l]) => l.status.value.state === 'open').length;
        pill.className = `link-pill ${open === cameras.length ? 'open' : open ? 'reconnecting' : 'connecting'}`;
        pill.textContent = `Cameras: ${open}/${cameras.length} live`;
      };
      for (const [, loop] of cameras) stops.push(loop.status.subscribe(update));
    }
  };
  const stop = ctx.links.subscribe(render);
  return () => {
    stop();
    for (const s of stops) s();
  };
}
