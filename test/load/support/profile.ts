/**
 * Load profiles. `short` runs in CI (the whole project in well under 90 s on a shared 2-core
 * machine); `long` (LOAD_PROFILE=long) is the 50 cameras × 5 fps for minutes, run by hand.
 */
export interface LoadProfile {
  name: 'short' | 'long';
  cameras: number;
  fps: number;
  /** Every n-th camera sends 1080p frames instead of the sequence's 640×480. */
  hdEvery: number;
  /** Every n-th camera pushes at twice its detect fps, so pacing has frames to skip. */
  fastEvery: number;
  feedSeconds: number;
  sampleEveryMs: number;
  /**
   * Inference's staleness budget (FRAME_MAX_AGE_MS) for the run; LOAD_FRAME_MAX_AGE_MS overrides.
   * Any value keeps the books balanced now (FRAMES refuses a device's 31st waiting frame and
   * ingest answers 503 backlog_full); above 30 ÷ fps (6 s at 5 fps) the refusals take over from
   * `stale` drops. 4 s keeps the figures comparable with earlier runs.
   */
  frameMaxAgeMs: number;
  /** Growth tolerated over one more run at the last third's RSS trend (see memoryVerdict). */
  memoryToleranceMb: number;
}

const profiles: Record<LoadProfile['name'], LoadProfile> = {
  short: {
    name: 'short',
    cameras: 10,
    fps: 5,
    hdEvery: 4,
    fastEvery: 5,
    feedSeconds: Number(process.env.LOAD_SECONDS ?? 20),
    sampleEveryMs: 1000,
    frameMaxAgeMs: 4000,
    memoryToleranceMb: 64,
  },
  long: {
    name: 'long',
    cameras: 50,
    fps: 5,
    hdEvery: 4,
    fastEvery: 5,
    feedSeconds: Number(process.env.LOAD_SECONDS ?? 300),
    sampleEveryMs: 2000,
    frameMaxAgeMs: 4000,
    memoryToleranceMb: 64,
  },
};

export function loadProfile(): LoadProfile {
  const name = process.env.LOAD_PROFILE === 'long' ? 'long' : 'short';
  const maxAge = process.env.LOAD_FRAME_MAX_AGE_MS;
  return { ...profiles[name], ...(maxAge ? { frameMaxAgeMs: Number(maxAge) } : {}) };
}

/**
 * The soak (LOAD_PROFILE=soak, by hand only): steady real 640×480 frames below the detector's
 * capacity for SOAK_MINUTES (default 30), RSS of every process sampled about 150 times.
 */
export interface SoakProfile {
  name: 'soak';
  minutes: number;
  cameras: number;
  fps: number;
  sampleEveryMs: number;
  /** Samples before this are warm-up: caches, JIT and buffers growing to their working size. */
  warmupSeconds: number;
  /** Growth tolerated after warm-up (see plateauVerdict). */
  memoryToleranceMb: number;
}

export const isSoak = () => process.env.LOAD_PROFILE === 'soak';

export function soakProfile(): SoakProfile {
  const minutes = Number(process.env.SOAK_MINUTES ?? 30);
  return {
    name: 'soak',
    minutes,
    // 8 frames/s of 640×480: a fraction of what inference analyses on this 2-core box (~20/s).
    cameras: Number(process.env.SOAK_CAMERAS ?? 4),
    fps: Number(process.env.SOAK_FPS ?? 2),
    sampleEveryMs: Math.max(2000, Math.round((minutes * 60_000) / 150)),
    warmupSeconds: Math.max(60, minutes * 60 * 0.2),
    memoryToleranceMb: Number(process.env.SOAK_MEMORY_TOLERANCE_MB ?? 64),
  };
}
