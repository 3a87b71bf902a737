import {
  AnalysisResult,
  AnalyticEvent,
  compile,
  type DetectionBatch,
  Rollup,
  type Scene,
} from '@sightline/contracts';
import { describe, expect, it } from 'vitest';
import { DeviceAnalyzer } from '../../src/domain/device-analyzer.js';
import { Heatmap } from '../../src/domain/heatmap.js';
import { rollupMsgId } from '../../src/domain/rollups.js';
import { SpeedEstimator } from '../../src/domain/speed.js';

const T0 = 1_738_000_020_000; // start of a minute

const scene: Scene = {
  tenantId: 't1',
  deviceId: 'cam',
  sceneId: 'lobby',
  version: 4,
  zones: [
    {
      id: 'hall',
      name: 'Hall',
      polygon: [
        [0, 0],
        [640, 0],
        [640, 200],
        [0, 200],
      ],
      capacity: 0,
    },
  ],
  lines: [{ id: 'door', name: 'Front door', a: [0, 240], b: [640, 240], inFrom: 'left' }],
  rules: [
    {
      id: 'crowded',
      metric: 'occupancy_over_capacity',
      target: 'hall',
      threshold: 0,
      forMs: 0,
      cooldownMs: 0,
    },
  ],
  thresholds: { zoneInertiaFrames: 2 },
  calibration: { metersPerPixel: 0.01 },
  crowdIntervalSec: 10,
};

/** One person walking down out of the hall and across the door line at 40 px per 200 ms frame (anchor
 * y = 20 + 40n), and a parked car. */
function frame(n: number): DetectionBatch {
  const y = n * 40 - 60;
  return {
    frameId: `f${n}`,
    tenantId: 't1',
    deviceId: 'cam',
    capturedAt: T0 + n * 200,
    acceptedAt: T0 + n * 200,
    analysedAt: T0 + n * 200 + 30,
    width: 640,
    height: 480,
    model: 'test',
    origin: 'edge',
    detections: [
      { label: 'person', classId: 0, score: 0.9, box: [300, y, 340, y + 80] },
      { label: 'car', classId: 2, score: 0.8, box: [500, 300, 600, 360] },
    ],
  };
}

describe('DeviceAnalyzer', () => {
  it('turns frames into seed-shaped analysis, events and rollups', () => {
    const analyzer = new DeviceAnalyzer('t1', 'cam', scene, 2);
    const outputs = Array.from({ length: 8 }, (_, n) => analyzer.process(frame(n), T0 + n * 200 + 50));
    const analysis = compile(AnalysisResult);
    for (const o of outputs) expect(analysis.errors(o.analysis)).toEqual([]);

    const last = outputs[7]!.analysis;
    expect(last).toMatchObject({
      sceneId: 'lobby',
      geometryVersion: 4,
      counts: { person: 1, car: 1 },
      latencyMs: 50,
    });
    const walker = last.detections[0]!;
    expect(walker.trackId).toBe(1);
    // 40 px per 200 ms = 200 px/s = 2 m/s with 0.01 m/px.
    expect(walker.attributes).toMatchObject({ speedPxPerSec: 200, speedMPerSec: 2 });
    // Tracked from the first frame (ByteTrack confirms first-frame births); inertia: 2 frames to enter.
    expect(outputs[0]!.analysis.detections[0]!.zones).toEqual([]);
    expect(outputs[1]!.analysis.detections[0]!.zones).toEqual(['hall']);
    expect(last.detections[0]!.zones).toEqual([]);

    const events = outputs.flatMap((o) => o.events);
    const eventSchema = compile(AnalyticEvent);
    for (const e of events) expect(eventSchema.errors(e.event)).toEqual([]);
    const crossing = events.find((e) => e.analytic === 'NFV4-PC')!;
    expect(crossing.event).toMatchObject({
      stream_id: 'cam',
      node_num: 2,
      timestamp: String(Math.floor((T0 + 6 * 200) / 1000)),
      pipeline_data: {
        area_name: 'Front door',
        direction: 'in',
        track_id: 1,
        label: 'person',
        geometry_version: 4,
      },
    });
    expect(events.filter((e) => e.analytic === 'NFV4-PC')).toHaveLength(1);
    expect(events.filter((e) => e.analytic === 'NFV4-VC')).toHaveLength(0); // the car never crossed
    const zone = events.filter((e) => e.analytic === 'SL-ZONE').map((e) => e.event.pipeline_data.kind);
    expect(zone).toEqual(['enter', 'leave']);
    const alerts = events.filter((e) => e.analytic === 'SL-ALERT').map((e) => e.event.pipeline_data.state);
    expect(alerts).toEqual(['firing', 'resolved']);

    const rollups = analyzer.flush();
    const rollupSchema = compile(Rollup);
    for (const r of rollups) expect(rollupSchema.errors(r)).toEqual([]);
    const device = rollups.find((r) => r.zoneId === undefined)!;
    expect(device).toMatchObject({
      minute: T0,
      frames: 8,
      countsMax: { person: 1, car: 1 },
      crossingsIn: { person: 1 },
      geometryVersion: 4,
    });
    expect(rollups.find((r) => r.zoneId === 'door')?.crossingsIn).toEqual({ person: 1 });
    expect(rollups.find((r) => r.zoneId === 'hall')?.countsMax).toEqual({ person: 1 });
  });

  it('closes a minute when a later frame arrives and dumps crowd estimates per interval', () => {
    const analyzer = new DeviceAnalyzer('t1', 'cam', scene, 0);
    const early = analyzer.process(frame(0), T0);
    expect(early.rollups).toEqual([]);
    const later = analyzer.process({ ...frame(1), frameId: 'late', capturedAt: T0 + 61_000 }, T0 + 61_000);
    expect(later.rollups.map((r) => [r.minute, r.zoneId ?? 'device'])).toEqual([
      [T0, 'device'],
      [T0, 'hall'],
    ]);
    expect(
      later.events.filter((e) => e.analytic === 'NFV4-CE').map((e) => e.event.pipeline_data.zone_id),
    ).toEqual(['hall']);
  });

  it('scales frames of another size onto the scene frame', () => {
    const analyzer = new DeviceAnalyzer('t1', 'cam', { ...scene, frame: { width: 320, height: 240 } }, 0);
    // Frames at 1280x960, scene at 320x240: a frame anchor y of 2*(20+40n) is (20+40n)/2 in the scene.
    const double = (n: number): DetectionBatch => {
      const f = frame(n);
      return {
        ...f,
        width: 1280,
        height: 960,
        detections: f.detections.map((d) => ({ ...d, box: d.box.map((v) => v * 2) as typeof d.box })),
      };
    };
    const outs = Array.from({ length: 3 }, (_, n) => analyzer.process(double(n), T0 + n * 200));
    expect(outs[2]!.analysis.detections[0]!.zones).toEqual(['hall']);
    expect(outs[2]!.analysis.detections[0]!.boundingBox).toMatchObject({ y: 40, height: 160 }); // reported in frame pixels
  });

  it('does not count a crossing again after a scene edit resets the line state', () => {
    const analyzer = new DeviceAnalyzer('t1', 'cam', scene, 0);
    const before = Array.from({ length: 8 }, (_, n) => analyzer.process(frame(n), T0 + n * 200));
    expect(before.flatMap((o) => o.events).filter((e) => e.analytic === 'NFV4-PC')).toHaveLength(1);
    analyzer.setScene({ ...scene, version: 5 });
    const after = Array.from({ length: 4 }, (_, n) => analyzer.process(frame(n + 8), T0 + (n + 8) * 200));
    expect(after.flatMap((o) => o.events).filter((e) => e.analytic === 'NFV4-PC')).toEqual([]);
  });

  it('analyses a late frame without moving the tracker back in time', () => {
    const analyzer = new DeviceAnalyzer('t1', 'cam', scene, 0);
    const inOrder = [0, 1, 2, 4, 5].map((n) => analyzer.process(frame(n), T0 + n * 200));
    const late = analyzer.processLate(frame(3), T0 + 1000);
    expect(late.analysis.frameId).toBe('f3');
    expect(late.analysis.counts).toEqual({ person: 1, car: 1 });
    expect(late.analysis.detections.every((d) => d.trackId === undefined)).toBe(true);
    expect(late.events).toEqual([]);
    expect(late.rollups).toEqual([]);
    expect(analyzer.latest?.frameId).toBe('f5');
    const next = analyzer.process(frame(6), T0 + 1200);
    const trackOfPerson = (o: (typeof inOrder)[number]) => o.analysis.detections[0]!.trackId;
    expect(trackOfPerson(next)).toBe(trackOfPerson(inOrder[4]!));
  });

  it('applies a new scene version to later outputs', () => {
    const analyzer = new DeviceAnalyzer('t1', 'cam', scene, 0);
    analyzer.process(frame(0), T0);
    analyzer.setScene({ ...scene, version: 5, zones: [] });
    const out = analyzer.process(frame(1), T0 + 200);
    expect(out.analysis.geometryVersion).toBe(5);
    expect(out.analysis.detections[0]!.zones).toEqual([]);
  });

  it('gives a minute that spans a scene edit one rollup per geometry version', () => {
    const analyzer = new DeviceAnalyzer('t1', 'cam', scene, 0);
    for (let n = 0; n < 8; n++) analyzer.process(frame(n), T0 + n * 200); // crosses the door at version 4
    analyzer.setScene({ ...scene, version: 5 });
    const edit = analyzer.process(frame(8), T0 + 1600);
    // The part measured with version 4 closes at the first frame of version 5, with its crossing.
    expect(edit.rollups.map((r) => [r.zoneId ?? 'device', r.geometryVersion, r.frames])).toEqual([
      ['device', 4, 8],
      ['hall', 4, 8],
      ['door', 4, 0], // a line's rollup holds crossings, not frames
    ]);
    expect(edit.rollups[0]!.crossingsIn).toEqual({ person: 1 });
    analyzer.process(frame(9), T0 + 1800);
    const rest = analyzer.flush();
    expect(rest.filter((r) => !r.zoneId)).toMatchObject([{ geometryVersion: 5, frames: 2, crossingsIn: {} }]);
    // Distinct Msg-Ids, so JetStream's de-duplication keeps both parts of the minute.
    expect(new Set([...edit.rollups, ...rest].map(rollupMsgId)).size).toBe(edit.rollups.length + rest.length);
  });
});

describe('heatmap and speed', () => {
  it('accumulates anchors in a grid over a sliding window', () => {
    const heatmap = new Heatmap(4, 2, 120_000);
    heatmap.add([[10, 10]], 400, 200, 0);
    heatmap.add(
      [
        [390, 190],
        [10, 10],
      ],
      400,
      200,
      60_000,
    );
    expect(heatmap.grid(60_000).cells).toEqual([2, 0, 0, 0, 0, 0, 0, 1]);
    // Three minutes later the first minute is out of the window.
    heatmap.add([[390, 10]], 400, 200, 180_000);
    expect(heatmap.grid(180_000).cells).toEqual([1, 0, 0, 1, 0, 0, 0, 1]);
  });

  it('converts speed to m/s through a homography', () => {
    // Ground = image scaled by 0.05 m/px in x and 0.1 m/px in y.
    const speed = new SpeedEstimator({ homography: [0.05, 0, 0, 0, 0.1, 0, 0, 0, 1] });
    speed.update(1, [0, 0], 0);
    const s = speed.update(1, [0, 20], 1000);
    expect(s).toEqual({ pxPerSec: 20, mPerSec: 2 });
  });
});
