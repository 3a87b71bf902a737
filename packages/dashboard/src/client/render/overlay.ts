import type { AnalysisResult, FrameData, Line, Zone } from '../lib/types.js';

type Box = [number, number, number, number];

function iou([ax, ay, aw, ah]: Box, [bx, by, bw, bh]: Box): number {
  const w = Math.min(ax + aw, bx + bw) - Math.max(ax, bx);
  const h = Math.min(ay + ah, by + bh) - Math.max(ay, by);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / (aw * ah + bw * bh - inter);
}

/**
 * The track id of a frame's detection: the analysis result's detection of the same class whose
 * box overlaps it most (the live socket carries no track ids; the SSE results do).
 */
export function trackIdFor(
  detection: { class: string; bbox: Box },
  analysis: AnalysisResult | undefined,
): number | undefined {
  let best: { score: number; trackId?: number } = { score: 0.5 };
  for (const d of analysis?.detections ?? []) {
    if (d.type !== detection.class || !d.boundingBox || d.trackId === undefined) continue;
    const b = d.boundingBox;
    const score = iou(detection.bbox, [b.x, b.y, b.width, b.height]);
    if (score > best.score) best = { score, trackId: d.trackId };
  }
  return best.trackId;
}

const colours: Record<string, string> = { person: '#39d353', car: '#58a6ff', bicycle: '#f0883e' };

/** Seed 002's canvas rendering: boxes, "class (NN%)", plus the track id when known. */
export function drawDetections(
  ctx: CanvasRenderingContext2D,
  frame: FrameData,
  analysis: AnalysisResult | undefined,
  scale: number,
): void {
  ctx.font = `${Math.round(14 * scale)}px system-ui, sans-serif`;
  ctx.lineWidth = 2 * scale;
  for (const det of frame.detections ?? []) {
    const [x, y, w, h] = det.bbox;
    const colour = colours[det.class] ?? '#ffd33d';
    ctx.strokeStyle = colour;
    ctx.strokeRect(x, y, w, h);
    const track = trackIdFor(det, analysis);
    const label = `${det.class} (${(det.confidence * 100).toFixed(0)}%)${track === undefined ? '' : ` #${track}`}`;
    const textWidth = ctx.measureText(label).width;
    const labelY = y > 18 * scale ? y - 4 * scale : y + h + 16 * scale;
    ctx.fillStyle = 'rgba(0,0,0,0.65)';
    ctx.fillRect(x - 1, labelY - 14 * scale, textWidth + 6 * scale, 18 * scale);
    ctx.fillStyle = colour;
    ctx.fillText(label, x + 2 * scale, labelY);
  }
}

export function drawZone(ctx: CanvasRenderingContext2D, zone: Zone, scale: number, selected = false): void {
  const [first, ...rest] = zone.polygon;
  if (!first) return;
  ctx.beginPath();
  ctx.moveTo(first[0], first[1]);
  for (const [x, y] of rest) ctx.lineTo(x, y);
  ctx.closePath();
  const queue = zone.kind === 'queue';
  ctx.fillStyle = queue ? 'rgba(240,136,62,0.18)' : 'rgba(88,166,255,0.18)';
  ctx.fill();
  ctx.lineWidth = (selected ? 4 : 2) * scale;
  ctx.strokeStyle = selected ? '#ffffff' : queue ? '#f0883e' : '#58a6ff';
  ctx.stroke();
  ctx.font = `${Math.round(14 * scale)}px system-ui, sans-serif`;
  ctx.fillStyle = '#ffffff';
  ctx.fillText(zone.name || zone.id, first[0] + 4 * scale, first[1] + 16 * scale);
  if (queue && zone.servicePoint) {
    const [sx, sy] = zone.servicePoint;
    ctx.beginPath();
    ctx.arc(sx, sy, 6 * scale, 0, Math.PI * 2);
    ctx.fillStyle = '#f0883e';
    ctx.fill();
  }
}

/** A tripwire with an arrow pointing to the side a crossing counts as "in" comes from. */
export function drawLine(ctx: CanvasRenderingContext2D, line: Line, scale: number, selected = false): void {
  const [ax, ay] = line.a;
  const [bx, by] = line.b;
  ctx.lineWidth = (selected ? 4 : 3) * scale;
  ctx.strokeStyle = selected ? '#ffffff' : '#ff7b72';
  ctx.beginPath();
  ctx.moveTo(ax, ay);
  ctx.lineTo(bx, by);
  ctx.stroke();
  // Normal of a→b: on screen (y down) (dy, -dx) points to the left of the direction of travel.
  const len = Math.hypot(bx - ax, by - ay) || 1;
  const side = (line.inFrom ?? 'left') === 'left' ? 1 : -1;
  const nx = ((by - ay) / len) * side;
  const ny = (-(bx - ax) / len) * side;
  const mx = (ax + bx) / 2;
  const my = (ay + by) / 2;
  const arrow = 28 * scale;
  // Arrow from the "in" side across the line.
  ctx.beginPath();
  ctx.moveTo(mx + nx * arrow, my + ny * arrow);
  ctx.lineTo(mx - nx * arrow * 0.4, my - ny * arrow * 0.4);
  ctx.stroke();
  ctx.font = `${Math.round(13 * scale)}px system-ui, sans-serif`;
  ctx.fillStyle = '#ffffff';
  ctx.fillText(`${line.name || line.id} in`, mx + nx * arrow + 4 * scale, my + ny * arrow);
}

/** The occupancy grid as translucent cells over the frame. */
export function drawHeatmap(
  ctx: CanvasRenderingContext2D,
  grid: { cols: number; rows: number; cells: number[] },
  width: number,
  height: number,
): void {
  const max = Math.max(1e-9, ...grid.cells);
  const cw = width / grid.cols;
  const ch = height / grid.rows;
  for (let r = 0; r < grid.rows; r++) {
    for (let c = 0; c < grid.cols; c++) {
      const v = (grid.cells[r * grid.cols + c] ?? 0) / max;
      if (v <= 0.01) continue;
      ctx.fillStyle = `rgba(255,${Math.round(200 * (1 - v))},0,${(0.15 + 0.45 * v).toFixed(2)})`;
      ctx.fillRect(c * cw, r * ch, cw, ch);
    }
  }
}
