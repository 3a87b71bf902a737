import { type Static, Type } from '@sinclair/typebox';
import { Id } from './common.js';

/**
 * Metadata of a frame on FRAMES. The JPEG bytes are the message body; these fields travel as
 * headers (see `frameHeaders`) so no service has to parse the image to route it.
 */
export const FrameMeta = Type.Object(
  {
    frameId: Id,
    tenantId: Id,
    deviceId: Id,
    /** Capture time, Unix ms, as the camera said (or the accept time). */
    capturedAt: Type.Number(),
    /** When ingest accepted it, Unix ms. */
    acceptedAt: Type.Number(),
    source: Type.Union([
      Type.Literal('http'),
      Type.Literal('json'),
      Type.Literal('ws'),
      Type.Literal('upload'),
      Type.Literal('pull'),
    ]),
    width: Type.Optional(Type.Integer({ minimum: 1 })),
    height: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);
export type FrameMeta = Static<typeof FrameMeta>;

export const frameHeaders = {
  frameId: 'Sightline-Frame-Id',
  tenantId: 'Sightline-Tenant',
  deviceId: 'Sightline-Device',
  capturedAt: 'Sightline-Captured-At',
  acceptedAt: 'Sightline-Accepted-At',
  source: 'Sightline-Source',
  width: 'Sightline-Width',
  height: 'Sightline-Height',
} as const satisfies Record<keyof FrameMeta, string>;

/** Seed 002: body of `POST /api/v1/actions/actions/send`. */
export const FramePush = Type.Object(
  {
    streamName: Type.Optional(Type.String({ maxLength: 128 })),
    streamType: Type.Optional(Type.String({ maxLength: 64 })),
    frame: Type.String({ minLength: 4 }),
    timestamp: Type.Optional(Type.Number({ minimum: 0 })),
    camera_id: Type.String({ minLength: 1, maxLength: 64 }),
  },
  { additionalProperties: false },
);
export type FramePush = Static<typeof FramePush>;

/** Seed 002 Detection: bbox is [x, y, width, height] in pixels. */
export const FrameDetection = Type.Object(
  {
    class: Type.String(),
    confidence: Type.Number({ minimum: 0, maximum: 1 }),
    bbox: Type.Tuple([Type.Number(), Type.Number(), Type.Number(), Type.Number()]),
  },
  { additionalProperties: false },
);
export type FrameDetection = Static<typeof FrameDetection>;

/** Seed 002 FrameData, sent on `/ws/stream/:cameraId`. */
export const FrameData = Type.Object(
  {
    frame: Type.String(),
    timestamp: Type.Number(),
    camera_id: Type.String(),
    detections: Type.Optional(Type.Array(FrameDetection)),
  },
  { additionalProperties: false },
);
export type FrameData = Static<typeof FrameData>;
