import type { AnalysisDetection, Scene } from '@sightline/contracts';
import type { Size, Xyxy } from './crop-geometry.js';
import type { EventFocus } from './events.js';

/**
 * The box of the frame an event's image shows, in the frame's pixels: the track's box in the
 * frame that triggered the event; else (a crowd estimate, an alert on a zone, a track that left
 * by dying and so has no box in this frame) the bounding box of the zone; else the whole frame.
 */
export function focusBox(
  focus: EventFocus,
  frame: Size,
  detections: readonly AnalysisDetection[],
  scene: Scene,
): Xyxy {
  const b =
    focus.trackId === undefined
      ? undefined
      : detections.find((d) => d.trackId === focus.trackId && d.boundingBox)?.boundingBox;
  if (b) return [b.x, b.y, b.x + b.width, b.y + b.height];
  const zoneId = focus.zoneId ?? scene.rules?.find((r) => r.id === focus.ruleId)?.target;
  const zone = scene.zones?.find((z) => z.id === zoneId);
  if (zone) return zoneBox(zone.polygon, scene.frame ?? frame, frame);
  return [0, 0, frame.width, frame.height];
}

/** A zone's bounding box, from the scene's frame size (its geometry's) to this frame's. */
function zoneBox(polygon: ReadonlyArray<readonly [number, number]>, sceneFrame: Size, frame: Size): Xyxy {
  const xs = polygon.map((p) => p[0]);
  const ys = polygon.map((p) => p[1]);
  const sx = frame.width / sceneFrame.width;
  const sy = frame.height / sceneFrame.height;
  return [Math.min(...xs) * sx, Math.min(...ys) * sy, Math.max(...xs) * sx, Math.max(...ys) * sy];
}

/** The faces inference found in the frame (face model on: privacy mode, blur, face counting). */
export function faceBoxes(detections: ReadonlyArray<{ label: string; box: Xyxy }>): Xyxy[] {
  return detections.filter((d) => d.label === 'face').map((d) => d.box);
}
