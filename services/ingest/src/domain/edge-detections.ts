import { type DetectionBatch, FrameDetection } from '@sightline/contracts';
import { type Static, Type } from '@sinclair/typebox';
import { classIdOf } from './coco.js';

/**
 * `POST /api/webhook` body: an edge device's own detections, seed 002 Detection shape
 * (`bbox` = x, y, width, height in pixels), with the capture timestamp and the device.
 * width/height of the frame are optional; without them the extent of the boxes stands in.
 */
export const EdgeDetectionPost = Type.Object(
  {
    deviceId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    camera_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    timestamp: Type.Number({ minimum: 0 }),
    detections: Type.Array(FrameDetection, { maxItems: 1000 }),
    width: Type.Optional(Type.Integer({ minimum: 1, maximum: 16384 })),
    height: Type.Optional(Type.Integer({ minimum: 1, maximum: 16384 })),
    frameId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    model: Type.Optional(Type.String({ maxLength: 128 })),
  },
  { additionalProperties: false },
);
export type EdgeDetectionPost = Static<typeof EdgeDetectionPost>;

/** Seed 002 detections → a DetectionBatch with origin 'edge' (boxes as x1,y1,x2,y2). */
export function toDetectionBatch(
  post: EdgeDetectionPost,
  ids: { frameId: string; tenantId: string; deviceId: string },
  capturedAt: number,
  now: number,
): DetectionBatch {
  const detections = post.detections.map((d) => {
    const [x, y, w, h] = d.bbox;
    return {
      label: d.class,
      classId: classIdOf(d.class),
      score: d.confidence,
      box: [x, y, x + w, y + h] as [number, number, number, number],
    };
  });
  const extentX = Math.max(1, ...detections.map((d) => Math.ceil(d.box[2])));
  const extentY = Math.max(1, ...detections.map((d) => Math.ceil(d.box[3])));
  return {
    ...ids,
    capturedAt,
    acceptedAt: now,
    analysedAt: now,
    width: post.width ?? extentX,
    height: post.height ?? extentY,
    model: post.model ?? 'edge',
    origin: 'edge',
    detections,
  };
}
