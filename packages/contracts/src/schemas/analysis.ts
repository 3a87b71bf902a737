import { type Static, Type } from '@sinclair/typebox';
import { Id, IsoTime } from './common.js';

/** Seed 000 boundingBox: pixels of the source frame. */
export const BoundingBox = Type.Object(
  {
    x: Type.Number(),
    y: Type.Number(),
    width: Type.Number(),
    height: Type.Number(),
  },
  { additionalProperties: false },
);

export const AnalysisDetection = Type.Object(
  {
    type: Type.String(),
    confidence: Type.Number({ minimum: 0, maximum: 1 }),
    boundingBox: Type.Optional(BoundingBox),
    attributes: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    trackId: Type.Optional(Type.Integer()),
    zones: Type.Optional(Type.Array(Type.String())),
  },
  { additionalProperties: false },
);
export type AnalysisDetection = Static<typeof AnalysisDetection>;

/**
 * Seed 000 `analysis_result`. The first five fields are the seed's; the rest are optional
 * additions a seed client can ignore.
 */
export const AnalysisResult = Type.Object(
  {
    deviceId: Id,
    analysisId: Id,
    sceneId: Id,
    timestamp: IsoTime,
    detections: Type.Array(AnalysisDetection),
    frameId: Type.Optional(Id),
    counts: Type.Optional(Type.Record(Type.String(), Type.Integer({ minimum: 0 }))),
    frameWidth: Type.Optional(Type.Integer()),
    frameHeight: Type.Optional(Type.Integer()),
    geometryVersion: Type.Optional(Type.Integer({ minimum: 0 })),
    latencyMs: Type.Optional(Type.Number()),
  },
  { additionalProperties: false },
);
export type AnalysisResult = Static<typeof AnalysisResult>;
