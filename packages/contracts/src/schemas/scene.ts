import { type Static, Type } from '@sinclair/typebox';
import { AnalyticId } from './analytic-event.js';
import { Id } from './common.js';

/** [x, y] in pixels of the source frame (origin top-left, y down). */
export const Point = Type.Tuple([Type.Number(), Type.Number()]);
export type Point = Static<typeof Point>;

const RegionId = Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' });

/** A polygon; `kind: 'queue'` makes it a queue whose people are served at `servicePoint`. */
export const SceneZone = Type.Object(
  {
    id: RegionId,
    name: Type.Optional(Type.String({ maxLength: 128 })),
    kind: Type.Optional(Type.Union([Type.Literal('zone'), Type.Literal('queue')])),
    polygon: Type.Array(Point, { minItems: 3, maxItems: 256 }),
    /** Queue only: a person whose anchor comes within `serviceRadius` px of it is being served. */
    servicePoint: Type.Optional(Point),
    serviceRadius: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
    /** People allowed at once; feeds occupancy-over-capacity rules. */
    capacity: Type.Optional(Type.Integer({ minimum: 0 })),
    /** Classes counted in this zone; default: the scene's classes. */
    classes: Type.Optional(Type.Array(Type.String(), { maxItems: 80 })),
  },
  { additionalProperties: false },
);
export type SceneZone = Static<typeof SceneZone>;

/**
 * A tripwire from `a` to `b`. Looking from a towards b on the image, a crossing from the
 * `inFrom` side to the other side is "in", the opposite "out".
 */
export const SceneLine = Type.Object(
  {
    id: RegionId,
    name: Type.Optional(Type.String({ maxLength: 128 })),
    a: Point,
    b: Point,
    /** Default 'left'. */
    inFrom: Type.Optional(Type.Union([Type.Literal('left'), Type.Literal('right')])),
    classes: Type.Optional(Type.Array(Type.String(), { maxItems: 80 })),
  },
  { additionalProperties: false },
);
export type SceneLine = Static<typeof SceneLine>;

export const RuleMetric = Type.Union([
  Type.Literal('queue_length'),
  Type.Literal('zone_occupancy'),
  Type.Literal('occupancy_over_capacity'),
  Type.Literal('crossings_in'),
  Type.Literal('crossings_out'),
  Type.Literal('count'),
  Type.Literal('wait_p90_ms'),
]);

/** Fires when `metric op threshold` holds for `forMs`; resolves past `clearThreshold`; then waits `cooldownMs`. */
export const SceneRule = Type.Object(
  {
    id: RegionId,
    metric: RuleMetric,
    /** Zone or line id the metric is read from (device-wide when absent). */
    target: Type.Optional(RegionId),
    class: Type.Optional(Type.String()),
    /** Default '>'. */
    op: Type.Optional(Type.Union([Type.Literal('>'), Type.Literal('<')])),
    threshold: Type.Number(),
    clearThreshold: Type.Optional(Type.Number()),
    /** Defaults: 0 and 60 s. */
    forMs: Type.Optional(Type.Integer({ minimum: 0 })),
    cooldownMs: Type.Optional(Type.Integer({ minimum: 0 })),
    /** Default 'warning'. */
    severity: Type.Optional(
      Type.Union([Type.Literal('info'), Type.Literal('warning'), Type.Literal('critical')]),
    ),
  },
  { additionalProperties: false },
);
export type SceneRule = Static<typeof SceneRule>;

/** Image → ground plane: a row-major 3x3 homography to metres, or one scale for a top-down view. */
export const SceneCalibration = Type.Object(
  {
    homography: Type.Optional(Type.Array(Type.Number(), { minItems: 9, maxItems: 9 })),
    metersPerPixel: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
  },
  { additionalProperties: false },
);
export type SceneCalibration = Static<typeof SceneCalibration>;

export const SceneThresholds = Type.Object(
  {
    /** Detections at or above it take part in the first association stage and can start tracks. */
    trackHigh: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
    /** Detections between it and trackHigh only extend existing tracks (ByteTrack's second stage). */
    trackLow: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
    /** Consecutive hits before a track is confirmed, and missed frames before it is dropped. */
    birthHits: Type.Optional(Type.Integer({ minimum: 1 })),
    /**
     * Seconds a new track must have been seen over before it is confirmed (besides birthHits), and
     * unseen for before a tentative track is dropped; default 0.1. 0: ByteTrack's frame rules.
     */
    confirmSec: Type.Optional(Type.Number({ minimum: 0, maximum: 5 })),
    maxMissed: Type.Optional(Type.Integer({ minimum: 1 })),
    /**
     * Seconds a confirmed track the detector missed still counts as present (counts, zone
     * occupancy, crowd); default 0.5. 0 counts only tracks matched in the frame.
     */
    coastSec: Type.Optional(Type.Number({ minimum: 0, maximum: 10 })),
    /** Consecutive frames an anchor must be inside (outside) a zone to enter (leave) it. */
    zoneInertiaFrames: Type.Optional(Type.Integer({ minimum: 1 })),
    /** Distance from a line, in px, an anchor must reach on the far side before a crossing counts. */
    lineHysteresisPx: Type.Optional(Type.Number({ minimum: 0 })),
  },
  { additionalProperties: false },
);
export type SceneThresholds = Static<typeof SceneThresholds>;

/** A device's scene, in the `scenes` KV bucket under `<tenant>.<device>`. */
export const Scene = Type.Object(
  {
    tenantId: Id,
    deviceId: Id,
    sceneId: Id,
    /** Bumped on every geometry change; every output says which version produced it. */
    version: Type.Integer({ minimum: 0 }),
    /** Size of the source frame the geometry is drawn on; every point lies inside it. */
    frame: Type.Optional(
      Type.Object(
        {
          width: Type.Integer({ minimum: 1, maximum: 16384 }),
          height: Type.Integer({ minimum: 1, maximum: 16384 }),
        },
        { additionalProperties: false },
      ),
    ),
    /** Classes the detector reports for this device (and analytics counts); default: all. */
    classes: Type.Optional(Type.Array(Type.String(), { maxItems: 80 })),
    /** The registry id of the detector this device needs (inference's MODEL_ID / DEVICE_MODELS). */
    model: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$' })),
    detectFps: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 60 })),
    zones: Type.Optional(Type.Array(SceneZone, { maxItems: 64 })),
    lines: Type.Optional(Type.Array(SceneLine, { maxItems: 64 })),
    rules: Type.Optional(Type.Array(SceneRule, { maxItems: 64 })),
    thresholds: Type.Optional(SceneThresholds),
    calibration: Type.Optional(SceneCalibration),
    /** Occupancy grid size and window. */
    heatmap: Type.Optional(
      Type.Object(
        {
          cols: Type.Integer({ minimum: 1, maximum: 256 }),
          rows: Type.Integer({ minimum: 1, maximum: 256 }),
          windowMs: Type.Integer({ minimum: 1000 }),
        },
        { additionalProperties: false },
      ),
    ),
    /** Seconds between NFV4-CE crowd estimates per zone. */
    crowdIntervalSec: Type.Optional(Type.Integer({ minimum: 1 })),
    /** Seed 004 `stream_address`. */
    streamAddress: Type.Optional(Type.String({ maxLength: 2048 })),
    /**
     * Analytics whose events carry seed 004 `image_jpeg`: a JPEG crop of the frame that triggered
     * the event, around the object (else the zone, else the whole frame) it is about. Default:
     * none, so events stay small and no frame is read back unless a scene asks.
     */
    eventImages: Type.Optional(Type.Array(AnalyticId, { uniqueItems: true, maxItems: 6 })),
    updatedAt: Type.Optional(Type.Number()),
  },
  { additionalProperties: false },
);
export type Scene = Static<typeof Scene>;

/** Key of a scene in the `scenes` bucket. */
export const sceneKey = (tenantId: string, deviceId: string) => `${tenantId}.${deviceId}`;
