/** People in one area (a zone, or the whole frame) on one frame. */
export interface AreaPeople {
  id: string;
  name: string;
  people: number;
}

/** The mean number of people in an area over one finished interval. */
export interface CrowdEstimate {
  id: string;
  name: string;
  /** Mean over the interval's frames, two decimals (seed 004 `estimation` is a float). */
  estimation: number;
  frames: number;
}

interface Interval {
  slot: number;
  sum: number;
  frames: number;
}

/**
 * NFV4-CE estimates: per area, the mean of the people counted on every frame of an interval of
 * `intervalSec`, dumped when the first frame of a later interval arrives. A mean rather than the
 * count of one frame, so a single missed or doubled detection moves the estimate by 1/frames.
 */
export class CrowdEstimator {
  private readonly open = new Map<string, Interval>();

  constructor(readonly intervalSec: number) {}

  /** Add one frame's counts; returns the estimates of the intervals this frame closed. */
  add(areas: readonly AreaPeople[], at: number): CrowdEstimate[] {
    const slot = Math.floor(at / (this.intervalSec * 1000));
    const out: CrowdEstimate[] = [];
    for (const area of areas) {
      const current = this.open.get(area.id);
      if (current && current.slot < slot && current.frames > 0) {
        const estimation = Math.round((current.sum / current.frames) * 100) / 100;
        out.push({ id: area.id, name: area.name, estimation, frames: current.frames });
      }
      // A late frame (slot before the open one) cannot reopen a dumped interval: skip it.
      if (current && current.slot > slot) continue;
      const interval = current && current.slot === slot ? current : { slot, sum: 0, frames: 0 };
      interval.sum += area.people;
      interval.frames++;
      this.open.set(area.id, interval);
    }
    return out;
  }
}
