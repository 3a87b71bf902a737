import { scrape, sumOf } from './metrics.js';
import { rssBytesOf } from './proc.js';
import { round, slope } from './stats.js';

export interface ResourceSample {
  /** Seconds since the sampler started. */
  t: number;
  rssMb: number;
  ready: boolean;
}

/**
 * Every `intervalMs`, each service's RSS (`sightline_process_resident_memory_bytes` from its
 * /metrics) and whether /readyz answers 200.
 */
export class ResourceSampler {
  readonly samples: Record<string, ResourceSample[]> = {};
  private timer: NodeJS.Timeout | undefined;
  private readonly start = Date.now();
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly urls: Record<string, string>,
    private readonly intervalMs: number,
    /** Processes without /metrics (nats-server), by pid: RSS from /proc, ready = still running. */
    private readonly pids: Record<string, number> = {},
  ) {
    for (const name of [...Object.keys(urls), ...Object.keys(pids)]) this.samples[name] = [];
  }

  begin(): void {
    const tick = () => {
      this.running = this.sampleAll().finally(() => {
        if (this.timer) this.timer = setTimeout(tick, this.intervalMs);
      });
    };
    this.timer = setTimeout(tick, 0);
  }

  async end(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private async sampleAll(): Promise<void> {
    const t = (Date.now() - this.start) / 1000;
    await Promise.all(
      Object.entries(this.urls).map(async ([name, url]) => {
        const [rss, ready] = await Promise.all([
          scrape(url).then(
            (s) => sumOf(s, 'sightline_process_resident_memory_bytes'),
            () => Number.NaN,
          ),
          fetch(`${url}/readyz`, { signal: AbortSignal.timeout(5000) }).then(
            (r) => r.ok,
            () => false,
          ),
        ]);
        this.samples[name]!.push({ t: round(t, 2), rssMb: round(rss / 2 ** 20), ready });
      }),
    );
    for (const [name, pid] of Object.entries(this.pids)) {
      const rss = rssBytesOf(pid);
      this.samples[name]!.push({ t: round(t, 2), rssMb: round(rss / 2 ** 20), ready: Number.isFinite(rss) });
    }
  }
}

export interface MemoryVerdict {
  startMb: number;
  peakMb: number;
  endMb: number;
  /** Theil–Sen slope (MB/min) over the first and the last third of the run. */
  warmupSlopeMbPerMin: number;
  lastThirdSlopeMbPerMin: number;
  /** Growth over the last third extrapolated over one more run of the same length. */
  projectedGrowthMb: number;
  bounded: boolean;
}

/**
 * "Memory stops growing after warm-up": the last third's RSS trend, taken with the Theil–Sen
 * estimator (the median of pairwise slopes, so GC saw-teeth do not swing it), is either flat —
 * extrapolated over another run of the same length it adds less than `toleranceMb` — or at most
 * half the warm-up trend. A leak keeps its slope; a warming process loses it.
 */
export function memoryVerdict(samples: ResourceSample[], toleranceMb: number): MemoryVerdict {
  const points = samples.filter((s) => Number.isFinite(s.rssMb)).map((s) => ({ x: s.t / 60, y: s.rssMb }));
  const third = Math.max(2, Math.floor(points.length / 3));
  const warm = theilSen(points.slice(0, third));
  const last = theilSen(points.slice(-third));
  const duration = points.length > 1 ? points[points.length - 1]!.x - points[0]!.x : 0;
  const projected = Math.max(0, last) * duration;
  return {
    startMb: points[0]?.y ?? Number.NaN,
    peakMb: Math.max(...points.map((p) => p.y)),
    endMb: points[points.length - 1]?.y ?? Number.NaN,
    warmupSlopeMbPerMin: round(warm),
    lastThirdSlopeMbPerMin: round(last),
    projectedGrowthMb: round(projected),
    bounded: projected < toleranceMb || last <= 0.5 * warm,
  };
}

/** Theil–Sen slope: the median of pairwise slopes, so GC saw-teeth and outliers do not swing it. */
export function theilSen(points: Array<{ x: number; y: number }>): number {
  const slopes: number[] = [];
  for (let i = 0; i < points.length; i++)
    for (let j = i + 1; j < points.length; j++) {
      const dx = points[j]!.x - points[i]!.x;
      if (dx > 0) slopes.push((points[j]!.y - points[i]!.y) / dx);
    }
  if (slopes.length === 0) return slope(points);
  slopes.sort((a, b) => a - b);
  return slopes[Math.floor(slopes.length / 2)]!;
}
