import type { ReconnectLoop } from './lib/connection.js';
import type { Api } from './lib/http.js';
import type { LiveModel } from './lib/live-model.js';
import { Signal } from './lib/signal.js';
import type { DeviceSummary, Scene } from './lib/types.js';

/** Device health as `GET /api/v1/devices/:id/health` reports it (fields optional: shown when present). */
export interface DeviceHealth {
  cameraFps?: number;
  detectFps?: number;
  quality?: string;
  lastFrameAgeSec?: number | null;
}

/** Everything a view needs, handed down once: no globals. */
export interface AppContext {
  api: Api;
  live: LiveModel;
  devices: Signal<DeviceSummary[]>;
  scenes: Map<string, Signal<Scene | undefined>>;
  health: Map<string, Signal<DeviceHealth | undefined>>;
  /** Named connections (analysis stream, events socket, one per camera) for the status bar. */
  links: Signal<Map<string, ReconnectLoop>>;
  /** Navigate: '' is the grid, a device id its large view; `edit` opens the scene editor. */
  go(route: Route): void;
}

export type Route =
  | { view: 'grid' }
  | { view: 'device'; deviceId: string }
  | { view: 'scene'; deviceId: string };

export function signalIn<T>(map: Map<string, Signal<T | undefined>>, id: string): Signal<T | undefined> {
  let signal = map.get(id);
  if (!signal) {
    signal = new Signal<T | undefined>(undefined);
    map.set(id, signal);
  }
  return signal;
}

export async function loadScene(ctx: AppContext, deviceId: string): Promise<Scene | undefined> {
  const scene = await ctx.api.get<Scene>(`/api/v1/devices/${encodeURIComponent(deviceId)}/scene`);
  signalIn(ctx.scenes, deviceId).set(scene);
  return scene;
}

export function deviceName(ctx: AppContext, deviceId: string): string {
  return ctx.devices.value.find((d) => d.deviceId === deviceId)?.name ?? deviceId;
}
