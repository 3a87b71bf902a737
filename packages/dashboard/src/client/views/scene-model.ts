import { distance, distanceToSegment, nextId, pointInPolygon } from '../lib/geometry.js';
import type { Line, Scene, Zone } from '../lib/types.js';

export type Tool = 'select' | 'zone' | 'queue' | 'line' | 'service';
export type Selection = { kind: 'zones' | 'lines'; index: number };
export type Hit = Selection & { vertex?: number | 'a' | 'b' };

/** The editor's working copy of a scene's geometry, and the edits the view applies to it. */
export class SceneDraft {
  zones: Zone[];
  lines: Line[];
  draft: Array<[number, number]> = [];
  selected: Selection | undefined;
  dirty = false;

  constructor(readonly base: Scene | undefined) {
    this.zones = structuredClone(base?.zones ?? []);
    this.lines = structuredClone(base?.lines ?? []);
  }

  /**
   * The PUT body: the scene's editable fields as loaded, the edited zones and lines, and the size
   * of the frame they were drawn on (the gateway checks every point against it).
   */
  body(frame: { width: number; height: number }): Record<string, unknown> {
    const {
      tenantId: _t,
      deviceId: _d,
      sceneId: _s,
      version: _v,
      updatedAt: _u,
      ...editable
    } = this.base ?? ({} as Partial<Scene>);
    return { ...editable, frame, zones: this.zones, lines: this.lines };
  }

  finishDraft(tool: Tool): Selection | undefined {
    if (tool === 'line' && this.draft.length >= 2) {
      const id = nextId(
        'line',
        this.lines.map((l) => l.id),
      );
      this.lines.push({
        id,
        name: `Line ${this.lines.length + 1}`,
        a: this.draft[0]!,
        b: this.draft[1]!,
        inFrom: 'left',
      });
      this.selected = { kind: 'lines', index: this.lines.length - 1 };
    } else if ((tool === 'zone' || tool === 'queue') && this.draft.length >= 3) {
      const id = nextId(
        tool,
        this.zones.map((z) => z.id),
      );
      const label = tool === 'queue' ? 'Queue' : 'Zone';
      this.zones.push({
        id,
        name: `${label} ${this.zones.length + 1}`,
        kind: tool,
        polygon: [...this.draft],
      });
      this.selected = { kind: 'zones', index: this.zones.length - 1 };
    } else {
      return undefined;
    }
    this.draft = [];
    this.dirty = true;
    return this.selected;
  }

  /** A centred shape for keyboard users, who then move it with the arrow keys. */
  addDefault(tool: 'zone' | 'queue' | 'line', frame: { width: number; height: number }): Selection {
    const [w, h] = [frame.width, frame.height];
    const r = (n: number) => Math.round(n);
    this.draft =
      tool === 'line'
        ? [
            [r(w * 0.3), r(h * 0.5)],
            [r(w * 0.7), r(h * 0.5)],
          ]
        : [
            [r(w * 0.35), r(h * 0.35)],
            [r(w * 0.65), r(h * 0.35)],
            [r(w * 0.65), r(h * 0.65)],
            [r(w * 0.35), r(h * 0.65)],
          ];
    return this.finishDraft(tool)!;
  }

  /** What is under a point: a vertex first, then a line, then the smallest enclosing zone. */
  hit(p: [number, number], tolerance: number): Hit | undefined {
    for (const [index, line] of this.lines.entries()) {
      if (distance(p, line.a) <= tolerance) return { kind: 'lines', index, vertex: 'a' };
      if (distance(p, line.b) <= tolerance) return { kind: 'lines', index, vertex: 'b' };
    }
    for (const [index, zone] of this.zones.entries()) {
      const vertex = zone.polygon.findIndex((q) => distance(p, q) <= tolerance);
      if (vertex >= 0) return { kind: 'zones', index, vertex };
    }
    for (const [index, line] of this.lines.entries()) {
      if (distanceToSegment(p, line.a, line.b) <= tolerance) return { kind: 'lines', index };
    }
    const zoneIndex = this.zones.findLastIndex((z) => pointInPolygon(p, z.polygon));
    return zoneIndex >= 0 ? { kind: 'zones', index: zoneIndex } : undefined;
  }

  /** Moves a vertex to `p`, or the whole element by (dx, dy). */
  move(hit: Hit, dx: number, dy: number, p?: [number, number]): void {
    const shift = ([x, y]: [number, number]): [number, number] => [Math.round(x + dx), Math.round(y + dy)];
    if (hit.kind === 'zones') {
      const zone = this.zones[hit.index];
      if (!zone) return;
      if (typeof hit.vertex === 'number' && p) zone.polygon[hit.vertex] = p;
      else if (hit.vertex === undefined) {
        zone.polygon = zone.polygon.map(shift);
        if (zone.servicePoint) zone.servicePoint = shift(zone.servicePoint);
      }
    } else {
      const line = this.lines[hit.index];
      if (!line) return;
      if ((hit.vertex === 'a' || hit.vertex === 'b') && p) line[hit.vertex] = p;
      else if (hit.vertex === undefined) {
        line.a = shift(line.a);
        line.b = shift(line.b);
      }
    }
    this.dirty = true;
  }

  deleteSelected(): void {
    if (!this.selected) return;
    if (this.selected.kind === 'zones') this.zones.splice(this.selected.index, 1);
    else this.lines.splice(this.selected.index, 1);
    this.selected = undefined;
    this.dirty = true;
  }

  selectedZone(): Zone | undefined {
    return this.selected?.kind === 'zones' ? this.zones[this.selected.index] : undefined;
  }

  selectedLine(): Line | undefined {
    return this.selected?.kind === 'lines' ? this.lines[this.selected.index] : undefined;
  }
}
