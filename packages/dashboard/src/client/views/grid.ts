import type { AppContext } from '../app-context.js';
import { h } from '../lib/dom.js';
import { cameraTile } from './camera-tile.js';

/** The live grid: one tile per device, rebuilt when the device list changes. */
export function renderGrid(ctx: AppContext, host: HTMLElement): () => void {
  const grid = h('div', { class: 'grid', role: 'list', 'aria-label': 'Cameras' });
  host.replaceChildren(h('h2', { class: 'view-title' }, 'Live cameras'), grid);
  let tiles: Array<ReturnType<typeof cameraTile>> = [];
  const stop = ctx.devices.subscribe((devices) => {
    for (const tile of tiles) tile.dispose();
    tiles = devices.map((device) =>
      cameraTile(ctx, device, ctx.links.value.get(`camera:${device.deviceId}`)),
    );
    grid.replaceChildren(
      ...tiles.map((t) => {
        const item = h('div', { role: 'listitem' });
        item.append(t.element);
        return item;
      }),
    );
    if (devices.length === 0)
      grid.append(h('p', { class: 'empty' }, 'No cameras yet. Add a device with the CLI.'));
  });
  return () => {
    stop();
    for (const tile of tiles) tile.dispose();
  };
}
