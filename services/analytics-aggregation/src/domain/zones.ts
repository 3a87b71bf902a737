import type { Point, SceneZone } from '@sightline/contracts';
import { pointInPolygon } from './geometry.js';

export interface AnchoredObject {
  trackId: number;
  label: string;
  score: number;
  anchor: Point;
  /** Anchor where the track was born, if known. */
  origin?: Point;
}

export interface ZoneTransition {
  zoneId: string;
  trackId: number;
  label: string;
  kind: 'enter' | 'leave';
  at: number;
  /** On leave: time inside, from the first frame the anchor was inside. */
  dwellMs?: number;
}

interface Membership {
  label: string;
  inside: boolean;
  /** Consecutive frames whose raw test disagrees with `inside`. */
  streak: number;
  streakSince: number;
  enteredAt: number;
}

/**
 * Who is in one zone. A track enters (leaves) only after `inertia` consecutive frames with its
 * anchor inside (outside), so a one-frame flicker at the border changes nothing.
 */
export class ZoneOccupancy {
  private readonly members = new Map<number, Membership>();

  constructor(
    readonly zone: SceneZone,
    private readonly classes: ReadonlySet<string>,
    private readonly inertia: number,
  ) {}

  update(objects: readonly AnchoredObject[], at: number): ZoneTransition[] {
    const out: ZoneTransition[] = [];
    for (const o of objects) {
      if (!this.classes.has(o.label)) continue;
      const raw = pointInPolygon(o.anchor, this.zone.polygon);
      let m = this.members.get(o.trackId);
      if (!m) {
        m = { label: o.label, inside: false, streak: 0, streakSince: at, enteredAt: 0 };
        this.members.set(o.trackId, m);
      }
      if (raw === m.inside) {
        m.streak = 0;
        continue;
      }
      if (m.streak === 0) m.streakSince = at;
      m.streak++;
      if (m.streak < this.inertia) continue;
      m.inside = raw;
      m.streak = 0;
      if (raw) {
        m.enteredAt = m.streakSince;
        out.push({
          zoneId: this.zone.id,
          trackId: o.trackId,
          label: m.label,
          kind: 'enter',
          at: m.streakSince,
        });
      } else {
        out.push(this.leave(o.trackId, m, m.streakSince));
      }
    }
    return out;
  }

  /** Tracks that ended: those inside leave now. */
  end(trackIds: readonly number[], at: number): ZoneTransition[] {
    const out: ZoneTransition[] = [];
    for (const id of trackIds) {
      const m = this.members.get(id);
      if (m?.inside) out.push(this.leave(id, m, at));
      this.members.delete(id);
    }
    return out;
  }

  private leave(trackId: number, m: Membership, at: number): ZoneTransition {
    return { zoneId: this.zone.id, trackId, label: m.label, kind: 'leave', at, dwellMs: at - m.enteredAt };
  }

  /** Tracks inside now, with their class and entry time. */
  inside(): Array<{ trackId: number; label: string; enteredAt: number }> {
    const out: Array<{ trackId: number; label: string; enteredAt: number }> = [];
    for (const [trackId, m] of this.members)
      if (m.inside) out.push({ trackId, label: m.label, enteredAt: m.enteredAt });
    return out;
  }

  isInside(trackId: number): boolean {
    return this.members.get(trackId)?.inside ?? false;
  }

  /**
   * Members inside, by class. With `present` (the track ids counted in this frame, see
   * presence.ts), only those: a member the tracker lost for longer than the coast time keeps its
   * membership (no leave, so its dwell goes on if it is found again) but is not counted as there.
   */
  countsByClass(present?: ReadonlySet<number>): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const [trackId, m] of this.members) {
      if (!m.inside || (present && !present.has(trackId))) continue;
      counts[m.label] = (counts[m.label] ?? 0) + 1;
    }
    return counts;
  }
}
