import type { Point } from '@sightline/contracts';

export interface HeatmapGrid {
  cols: number;
  rows: number;
  /** Object-frames whose anchor fell in each cell, row-major, over the window. */
  cells: number[];
  windowMs: number;
}

const SLOT_MS = 60_000;

/** Occupancy grid over a sliding window, kept as one grid per minute so old minutes drop out whole. */
export class Heatmap {
  private readonly slots = new Map<number, Uint32Array>();

  constructor(
    readonly cols: number,
    readonly rows: number,
    readonly windowMs: number,
  ) {}

  add(anchors: readonly Point[], width: number, height: number, at: number): void {
    const slot = Math.floor(at / SLOT_MS);
    let grid = this.slots.get(slot);
    if (!grid) {
      grid = new Uint32Array(this.cols * this.rows);
      this.slots.set(slot, grid);
      this.forget(at);
    }
    for (const [x, y] of anchors) {
      const c = Math.min(this.cols - 1, Math.max(0, Math.floor((x / width) * this.cols)));
      const r = Math.min(this.rows - 1, Math.max(0, Math.floor((y / height) * this.rows)));
      grid[r * this.cols + c]!++;
    }
  }

  grid(at: number): HeatmapGrid {
    this.forget(at);
    const cells = new Array<number>(this.cols * this.rows).fill(0);
    for (const grid of this.slots.values()) for (let i = 0; i < cells.length; i++) cells[i]! += grid[i]!;
    return { cols: this.cols, rows: this.rows, cells, windowMs: this.windowMs };
  }

  private forget(at: number): void {
    const oldest = Math.floor((at - this.windowMs) / SLOT_MS);
    for (const slot of this.slots.keys()) if (slot < oldest) this.slots.delete(slot);
  }
}
