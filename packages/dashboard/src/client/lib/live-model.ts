import { Signal } from './signal.js';
import type { AnalysisResult, FrameData } from './types.js';

/** What the dashboard knows right now about one camera. */
export interface DeviceLive {
  frame?: FrameData;
  bitmap?: ImageBitmap;
  analysis?: AnalysisResult;
  /** Arrival times (ms) of recent frames, for the fps figure. */
  arrivals: number[];
  latencyMs?: number;
  /** People per analysed frame over the last hour: the live chart's points. */
  people: Array<{ at: number; value: number }>;
}

const fpsWindowMs = 5000;
const hourMs = 3_600_000;

export function peopleIn(result: AnalysisResult): number {
  return result.counts?.person ?? result.detections.filter((d) => d.type === 'person').length;
}

/** Live state per device; each device has a version signal the views subscribe to. */
export class LiveModel {
  private readonly devices = new Map<string, { live: DeviceLive; version: Signal<number> }>();

  private entry(deviceId: string) {
    let entry = this.devices.get(deviceId);
    if (!entry) {
      entry = { live: { arrivals: [], people: [] }, version: new Signal(0) };
      this.devices.set(deviceId, entry);
    }
    return entry;
  }

  get(deviceId: string): DeviceLive {
    return this.entry(deviceId).live;
  }

  subscribe(deviceId: string, listener: (live: DeviceLive) => void): () => void {
    const entry = this.entry(deviceId);
    return entry.version.subscribe(() => listener(entry.live));
  }

  private bump(deviceId: string): void {
    const entry = this.entry(deviceId);
    entry.version.set(entry.version.value + 1);
  }

  async addFrame(deviceId: string, frame: FrameData, now = Date.now()): Promise<void> {
    const live = this.get(deviceId);
    const bytes = Uint8Array.from(atob(frame.frame), (c) => c.charCodeAt(0));
    const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/jpeg' }));
    live.bitmap?.close();
    live.bitmap = bitmap;
    live.frame = frame;
    live.arrivals.push(now);
    while (live.arrivals.length > 0 && now - live.arrivals[0]! >= fpsWindowMs) live.arrivals.shift();
    live.latencyMs = live.analysis?.latencyMs ?? Math.max(0, now - frame.timestamp);
    this.bump(deviceId);
  }

  addAnalysis(result: AnalysisResult, now = Date.now()): void {
    const live = this.get(result.deviceId);
    live.analysis = result;
    if (result.latencyMs !== undefined) live.latencyMs = result.latencyMs;
    const at = Date.parse(result.timestamp) || now;
    appendPoint(live.people, { at, value: peopleIn(result) }, now);
    this.bump(result.deviceId);
  }

  fps(deviceId: string, now = Date.now()): number {
    const recent = this.get(deviceId).arrivals.filter((t) => now - t < fpsWindowMs);
    return recent.length / (fpsWindowMs / 1000);
  }
}

/**
 * Appends to a last-hour series in place, keeping at most one point per second (the latest):
 * a camera at 30 fps would otherwise hold 100,000 points an hour for a 480-px-wide chart.
 */
export function appendPoint(
  series: Array<{ at: number; value: number }>,
  point: { at: number; value: number },
  now: number,
): void {
  const last = series.at(-1);
  if (last && Math.floor(last.at / 1000) === Math.floor(point.at / 1000)) series[series.length - 1] = point;
  else series.push(point);
  while (series.length > 0 && now - series[0]!.at >= hourMs) series.shift();
}
