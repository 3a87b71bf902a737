import type { Point, SceneLine } from '@sightline/contracts';
import { projectionParameter, signedDistance } from './geometry.js';
import type { AnchoredObject } from './zones.js';

export type Direction = 'in' | 'out';

export interface Crossing {
  lineId: string;
  trackId: number;
  label: string;
  score: number;
  direction: Direction;
  at: number;
}

interface LineSide {
  /** -1 left, +1 right, 0 not yet known (born inside the hysteresis band). */
  side: -1 | 0 | 1;
  counted: Set<Direction>;
}

/**
 * Crossings of one tripwire. A track's side only changes when its anchor gets `hysteresisPx`
 * beyond the line, so a box jittering on the line never flips it; and each track counts at
 * most once per direction per line, as issue 5 asks.
 */
export class LineCounter {
  private readonly sides = new Map<number, LineSide>();

  constructor(
    readonly line: SceneLine,
    private readonly classes: ReadonlySet<string>,
    private readonly hysteresisPx: number,
  ) {}

  update(objects: readonly AnchoredObject[], at: number): Crossing[] {
    const out: Crossing[] = [];
    const { a, b } = this.line;
    for (const o of objects) {
      if (!this.classes.has(o.label)) continue;
      const side = this.sideOf(o.anchor);
      let state = this.sides.get(o.trackId);
      if (!state) {
        // Start from the side the track was born on, so a crossing made while the track was
        // still unconfirmed is not lost.
        state = { side: o.origin ? this.sideOf(o.origin) : 0, counted: new Set() };
        this.sides.set(o.trackId, state);
      }
      if (side === 0 || side === state.side) continue;
      const previous = state.side;
      state.side = side;
      if (previous === 0) continue;
      const t = projectionParameter(o.anchor, a, b);
      if (t < 0 || t > 1) continue;
      const direction = this.directionOf(previous, side);
      if (state.counted.has(direction)) continue;
      state.counted.add(direction);
      out.push({ lineId: this.line.id, trackId: o.trackId, label: o.label, score: o.score, direction, at });
    }
    return out;
  }

  private sideOf(p: Point): -1 | 0 | 1 {
    const d = signedDistance(p, this.line.a, this.line.b);
    return d > this.hysteresisPx ? 1 : d < -this.hysteresisPx ? -1 : 0;
  }

  end(trackIds: readonly number[]): void {
    for (const id of trackIds) this.sides.delete(id);
  }

  private directionOf(from: -1 | 1, _to: -1 | 1): Direction {
    const inFromSide = (this.line.inFrom ?? 'left') === 'left' ? -1 : 1;
    return from === inFromSide ? 'in' : 'out';
  }
}
