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
   * Kept below FRAMES' 30 messages per device ÷ the camera fps (6 s at 5 fps): above that the
   * stream's limit discards frames before they turn stale, and those discards are counted nowhere.
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
