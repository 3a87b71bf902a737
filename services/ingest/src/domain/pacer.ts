/**
 * Pacing to a device's detect fps, as a GCRA: each device has a theoretical arrival time; a
 * frame earlier than it (minus a tolerance of half an interval, for network jitter) is skipped.
 * Memory is one number per device; nothing is ever queued.
 */
export class Pacer {
  private readonly nextDue = new Map<string, number>();

  constructor(private readonly toleranceFraction = 0.5) {}

  /** True when the frame should be published; false when it is above the device's fps. */
  admit(key: string, fps: number, now: number): boolean {
    const interval = 1000 / fps;
    const due = this.nextDue.get(key) ?? now;
    if (now < due - interval * this.toleranceFraction) return false;
    this.nextDue.set(key, Math.max(due, now) + interval);
    return true;
  }

  forget(key: string): void {
    this.nextDue.delete(key);
  }
}
