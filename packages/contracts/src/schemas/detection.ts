import { type Static, Type } from '@sinclair/typebox';
import { Box, Id } from './common.js';

export const Detection = Type.Object(
  {
    /** COCO label, e.g. person, car. */
    label: Type.String(),
    classId: Type.Integer({ minimum: 0 }),
    score: Type.Number({ minimum: 0, maximum: 1 }),
    /** x1, y1, x2, y2 in source pixels, clipped to the frame. */
    box: Box,
    attributes: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()]))),
  },
  { additionalProperties: false },
);
export type Detection = Static<typeof Detection>;

/** One analysed frame, on DETECTIONS. */
export const DetectionBatch = Type.Object(
  {
    frameId: Id,
    tenantId: Id,
    deviceId: Id,
    capturedAt: Type.Number(),
    acceptedAt: Type.Number(),
    analysedAt: Type.Number(),
    width: Type.Integer({ minimum: 1 }),
    height: Type.Integer({ minimum: 1 }),
    model: Type.String(),
    /** 'model' when inference ran the detector; 'edge' when a device's webhook sent them. */
    origin: Type.Union([Type.Literal('model'), Type.Literal('edge')]),
    detections: Type.Array(Detection),
    timings: Type.Optional(Type.Record(Type.String(), Type.Number())),
    /**
     * Stream sequence of this frame on FRAMES, set by inference (absent on edge batches, which
     * have no stored frame). Analytics reads the frame back by it to crop event images, while
     * FRAMES still keeps it (30 per device, 5 minutes).
     */
    frameSeq: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);
export type DetectionBatch = Static<typeof DetectionBatch>;
