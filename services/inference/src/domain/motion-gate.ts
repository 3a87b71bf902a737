/**
 * Motion gating (as Frigate does): a frame whose small grey picture barely differs from the one
 * the detector last saw for the device reuses that run's detections, at most `maxSkipMs` long.
 */
export interface MotionOptions {
  /** Share of thumbnail pixels that must change to count as motion. */
  minChangedRatio: number;
  /** Grey-level change (0–255) that marks a thumbnail pixel as changed. */
  pixelDelta: number;
  /** Longest a device goes without a real detector run. */
  maxSkipMs: number;
  /** Devices remembered; the least recently seen is forgotten past this. */
  maxDevices?: number;
}

/** Block-average grey thumbnail of interleaved RGB (Rec. 601 luma), `block`×`block` pixels per cell. */
export function greyThumbnail(rgb: Uint8Array, width: number, height: number, block = 8): Uint8Array {
  const cols = Math.floor(width / block);
  const rows = Math.floor(height / block);
  const out = new Uint8Array(cols * rows);
  const sums = new Float64Array(cols);
  for (let row = 0; row < rows; row++) {
    sums.fill(0);
    for (let y = row * block; y < (row + 1) * block; y++) {
      let p = y * width * 3;
      for (let x = 0; x < cols * block; x++, p += 3) {
        sums[(x / block) | 0]! += 0.299 * rgb[p]! + 0.587 * rgb[p + 1]! + 0.114 * rgb[p + 2]!;
      }
    }
    for (let c = 0; c < cols; c++) out[row * cols + c] = Math.round(sums[c]! / (block * block));
  }
  return out;
}

/** Share of positions where the two thumbnails differ by more than `delta`; 1 if they cannot be compared. */
export function changedRatio(a: Uint8Array, b: Uint8Array, delta: number): number {
  if (a.length !== b.length || a.length === 0) return 1;
  let changed = 0;
  for (let i = 0; i < a.length; i++) if (Math.abs(a[i]! - b[i]!) > delta) changed++;
  return changed / a.length;
}

interface DeviceState<T> {
  thumbnail: Uint8Array;
  ranAt: number;
  detections: T;
}

export class MotionGate<T> {
  private readonly devices = new Map<string, DeviceState<T>>();

  constructor(private readonly options: MotionOptions) {}

  /** The detections to reuse when this frame may skip the detector, else undefined (run it). */
  reusable(deviceId: string, thumbnail: Uint8Array, now: number): T | undefined {
    const state = this.devices.get(deviceId);
    if (!state || now - state.ranAt >= this.options.maxSkipMs) return undefined;
    const ratio = changedRatio(state.thumbnail, thumbnail, this.options.pixelDelta);
    return ratio < this.options.minChangedRatio ? state.detections : undefined;
  }

  /** Remember what the detector saw; later frames are compared with this one. */
  recordRun(deviceId: string, thumbnail: Uint8Array, now: number, detections: T): void {
    this.devices.delete(deviceId);
    this.devices.set(deviceId, { thumbnail, ranAt: now, detections });
    const max = this.options.maxDevices ?? 10_000;
    if (this.devices.size > max) this.devices.delete(this.devices.keys().next().value!);
  }
}
