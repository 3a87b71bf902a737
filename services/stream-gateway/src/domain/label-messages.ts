import type { FrameData } from '@sightline/contracts';

/** Seed 003 label socket message: the cameras of a label whose frame changed. */
export function labelImagesMessage(label: string, camera: string, frame: FrameData): string {
  return JSON.stringify({ label, images: [{ key: camera, image: frame.frame }] });
}

/**
 * Seed 003 camera socket message. `warnings` lists, one line each, what the detector saw in the
 * frame ("person 0.91"), empty when nothing was detected.
 */
export function cameraImageMessage(id: string, frame: FrameData): string {
  const warnings = (frame.detections ?? []).map((d) => `${d.class} ${d.confidence.toFixed(2)}`);
  return JSON.stringify({ id, image: frame.frame, warnings });
}

/** The labels of a tenant's devices, sorted, each once. */
export function distinctLabels(devices: { labels: string[] }[]): string[] {
  return [...new Set(devices.flatMap((d) => d.labels))].sort();
}
