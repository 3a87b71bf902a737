import type { DeviceLive } from '../lib/live-model.js';
import type { Line, Zone } from '../lib/types.js';
import { drawDetections, drawHeatmap, drawLine, drawZone } from './overlay.js';

export interface FrameLayers {
  zones?: Zone[];
  lines?: Line[];
  heatmap?: { cols: number; rows: number; cells: number[] };
  boxes?: boolean;
}

/**
 * Draws the latest frame at its own resolution (CSS scales the canvas), then the heatmap, the
 * scene and the boxes. Line widths and fonts scale with the frame so labels stay readable.
 */
export function renderFrame(canvas: HTMLCanvasElement, live: DeviceLive, layers: FrameLayers): boolean {
  const ctx = canvas.getContext('2d');
  if (!ctx || !live.bitmap || !live.frame) return false;
  const { width, height } = live.bitmap;
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  ctx.drawImage(live.bitmap, 0, 0);
  const shown = canvas.getBoundingClientRect().width || width;
  const scale = Math.max(1, width / shown);
  if (layers.heatmap) drawHeatmap(ctx, layers.heatmap, width, height);
  for (const zone of layers.zones ?? []) drawZone(ctx, zone, scale);
  for (const line of layers.lines ?? []) drawLine(ctx, line, scale);
  if (layers.boxes !== false) drawDetections(ctx, live.frame, live.analysis, scale);
  return true;
}
