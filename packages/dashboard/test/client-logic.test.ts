import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../src/client/lib/backoff.js';
import { ChatStreamParser } from '../src/client/lib/chat-stream.js';
import { errorsByElement, nextId, pointInPolygon } from '../src/client/lib/geometry.js';
import { heatGridFrom, seriesFrom } from '../src/client/lib/metrics.js';
import type { AnalysisResult, Scene } from '../src/client/lib/types.js';
import { emptyTally, tallyEvent, zoneStats } from '../src/client/lib/zone-stats.js';
import { trackIdFor } from '../src/client/render/overlay.js';
import { SceneDraft } from '../src/client/views/scene-model.js';

const encoder = new TextEncoder();

describe('chat stream parser', () => {
  it('keeps a line split across reads and ignores malformed lines (seed 002)', () => {
    const parser = new ChatStreamParser();
    const first = parser.push(
      encoder.encode('data: {"type":"chunk","text":"Based on"}\n\ndata: {"type":"ch'),
    );
    const second = parser.push(
      encoder.encode('unk","text":" two"}\n\ndata: not json\n\ndata: {"type":"done"}\n\n'),
    );
    expect(first).toEqual([{ type: 'chunk', text: 'Based on' }]);
    expect(second).toEqual([{ type: 'chunk', text: ' two' }, { type: 'done' }]);
  });

  it('decodes a multi-byte character split between reads', () => {
    const parser = new ChatStreamParser();
    const bytes = encoder.encode('data: {"type":"chunk","text":"人數"}\n');
    const events = [...parser.push(bytes.slice(0, 33)), ...parser.push(bytes.slice(33), true)];
    expect(events).toEqual([{ type: 'chunk', text: '人數' }]);
  });
});

describe('backoff (seed 002: 1 s · 2^attempt)', () => {
  it('doubles, caps, and adds at most 20 % jitter', () => {
    expect([0, 1, 2, 3].map((a) => backoffDelay(a, 1000, 30_000, () => 0))).toEqual([1000, 2000, 4000, 8000]);
    expect(backoffDelay(10, 1000, 30_000, () => 0)).toBe(30_000);
    expect(backoffDelay(0, 1000, 30_000, () => 1)).toBe(1200);
  });
});

describe('scene geometry', () => {
  it('maps the gateway and schema validation messages to the element they name', () => {
    const byElement = errorsByElement('zones[1].polygon[2]: point (900, 10) lies outside the 640x480 frame');
    expect([...byElement.keys()]).toEqual(['zones[1]']);
    expect(errorsByElement('body/lines/0/a must NOT have fewer than 2 items').has('lines[0]')).toBe(true);
    expect(errorsByElement('scene changed concurrently').get('')).toEqual(['scene changed concurrently']);
  });

  it('hit-tests polygons and numbers new elements past the taken ids', () => {
    expect(
      pointInPolygon(
        [5, 5],
        [
          [0, 0],
          [10, 0],
          [10, 10],
          [0, 10],
        ],
      ),
    ).toBe(true);
    expect(
      pointInPolygon(
        [15, 5],
        [
          [0, 0],
          [10, 0],
          [10, 10],
          [0, 10],
        ],
      ),
    ).toBe(false);
    expect(nextId('zone', ['zone-1', 'zone-3'])).toBe('zone-2');
  });

  it('drafts, moves and deletes elements, and builds the PUT body the gateway accepts', () => {
    const base: Scene = {
      tenantId: 't',
      deviceId: 'd',
      sceneId: 'd',
      version: 3,
      detectFps: 2,
      updatedAt: 1,
    };
    const draft = new SceneDraft(base);
    draft.draft = [
      [10, 10],
      [100, 10],
      [100, 80],
    ];
    expect(draft.finishDraft('queue')).toEqual({ kind: 'zones', index: 0 });
    draft.draft = [
      [0, 50],
      [200, 50],
    ];
    draft.finishDraft('line');
    draft.move({ kind: 'zones', index: 0 }, 5, 5);
    expect(draft.zones[0]!.polygon[0]).toEqual([15, 15]);
    expect(draft.hit([0, 50], 4)).toEqual({ kind: 'lines', index: 0, vertex: 'a' });
    expect(draft.body({ width: 640, height: 480 })).toEqual({
      detectFps: 2,
      frame: { width: 640, height: 480 },
      zones: [
        {
          id: 'queue-1',
          name: 'Queue 1',
          kind: 'queue',
          polygon: [
            [15, 15],
            [105, 15],
            [105, 85],
          ],
        },
      ],
      lines: [{ id: 'line-1', name: 'Line 1', a: [0, 50], b: [200, 50], inFrom: 'left' }],
    });
    draft.selected = { kind: 'lines', index: 0 };
    draft.deleteSelected();
    expect(draft.lines).toEqual([]);
    // Keyboard path: a centred zone, then nudged like the arrow keys do.
    const added = draft.addDefault('zone', { width: 640, height: 480 });
    draft.move(added, -10, 0);
    expect(draft.zones[added.index]).toMatchObject({
      id: 'zone-1',
      polygon: [
        [214, 168],
        [406, 168],
        [406, 312],
        [214, 312],
      ],
    });
  });
});

describe('live numbers', () => {
  const analysis: AnalysisResult = {
    deviceId: 'd',
    analysisId: 'a',
    sceneId: 'd',
    timestamp: new Date().toISOString(),
    detections: [
      {
        type: 'person',
        confidence: 0.9,
        boundingBox: { x: 10, y: 10, width: 20, height: 40 },
        trackId: 7,
        zones: ['q'],
      },
      { type: 'person', confidence: 0.8, zones: ['q'] },
      { type: 'person', confidence: 0.8 },
    ],
  };
  const scene: Scene = {
    tenantId: 't',
    deviceId: 'd',
    sceneId: 'd',
    version: 1,
    zones: [
      {
        id: 'q',
        name: 'Till',
        kind: 'queue',
        polygon: [
          [0, 0],
          [1, 0],
          [1, 1],
        ],
        servicePoint: [0, 0],
        capacity: 4,
      },
    ],
  };

  it('counts people per zone and takes the predicted wait and crossings from the events', () => {
    const tally = emptyTally();
    const base = { event_id: '1abcdef01', timestamp: '1', stream_id: 'd' };
    tallyEvent(tally, {
      ...base,
      analytic_id: 'SL-QUEUE',
      pipeline_data: { zone_id: 'q', predicted_p50_ms: 42_000 },
    });
    tallyEvent(tally, { ...base, analytic_id: 'NFV4-PC', pipeline_data: { line_id: 'l', direction: 'in' } });
    tallyEvent(tally, { ...base, analytic_id: 'NFV4-PC', pipeline_data: { line_id: 'l', direction: 'in' } });
    const [stats] = zoneStats(scene, analysis, tally);
    expect(stats).toMatchObject({
      peopleNow: 2,
      queueLength: 2,
      occupancy: 0.5,
      predictedWaitMs: 42_000,
      crowd: 'medium',
    });
    expect(tally.crossings.get('l')).toEqual({ in: 2, out: 0 });
  });

  it('finds the track id of a live-socket box in the analysis result', () => {
    expect(trackIdFor({ class: 'person', bbox: [11, 10, 20, 40] }, analysis)).toBe(7);
    expect(trackIdFor({ class: 'car', bbox: [11, 10, 20, 40] }, analysis)).toBeUndefined();
  });

  it('reads rollup series and heatmap grids in their plausible shapes', () => {
    expect(
      seriesFrom(
        {
          points: [
            { minute: 2, value: 3 },
            { minute: 1, value: 1 },
          ],
        },
        'people',
      ),
    ).toEqual([
      { at: 1, value: 1 },
      { at: 2, value: 3 },
    ]);
    expect(seriesFrom({ items: [{ minute: 5, countsMean: { person: 2.5 } }] }, 'people')).toEqual([
      { at: 5, value: 2.5 },
    ]);
    expect(heatGridFrom({ cols: 2, rows: 1, cells: [0, 3] })).toEqual({ cols: 2, rows: 1, cells: [0, 3] });
    expect(
      heatGridFrom({
        grid: [
          [1, 2],
          [3, 4],
        ],
      }),
    ).toEqual({ cols: 2, rows: 2, cells: [1, 2, 3, 4] });
    expect(heatGridFrom({ cols: 3, rows: 3, cells: [1] })).toBeUndefined();
  });
});
