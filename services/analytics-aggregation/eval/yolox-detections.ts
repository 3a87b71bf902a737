import { readFile } from 'node:fs/promises';
import type { DetectionBatch } from '@sightline/contracts';
// The inference service's own detector (decode, letterbox, session, YOLOX decoder, NMS), imported
// as is so the evaluation measures what production runs, not a re-implementation.
import { Detector } from '@sightline/inference/src/adapters/detector.js';
import { cocoLabels } from '@sightline/inference/src/domain/labels.js';
import { builtinModels } from '@sightline/inference/src/domain/model-registry.js';
import { dataPath, modelPath } from '@sightline/testing';
import type { MotSequence } from './mot.js';

export const EVAL_TENANT = 'eval';

/** YOLOX-Nano from the shared models directory, with the registry's production thresholds. */
export async function loadYoloxNano(intraOpThreads = 2): Promise<Detector> {
  const spec = { ...builtinModels.yolox_nano!, file: modelPath('yolox_nano.onnx') };
  return Detector.load(spec, '', { intraOpThreads, interOpThreads: 1, executionProvider: 'cpu' });
}

/** Capture time of a 1-based MOT frame at the sequence's frame rate. */
export function frameTime(seq: MotSequence, frame: number, start = Date.UTC(2026, 0, 1)): number {
  return start + Math.round(((frame - 1) * 1000) / seq.fps);
}

/**
 * Runs the detector on the real frames `1..frames` of a sequence and shapes each answer as the
 * DetectionBatch inference publishes (labels from the model's COCO list, boxes in frame pixels).
 */
export async function detectFrames(
  detector: Detector,
  seq: MotSequence,
  frames = seq.frames,
): Promise<DetectionBatch[]> {
  const out: DetectionBatch[] = [];
  for (let f = 1; f <= Math.min(frames, seq.frames); f++) {
    const jpeg = await readFile(dataPath('mot', seq.name, 'img1', `${String(f).padStart(6, '0')}.jpg`));
    const { detections, geometry } = await detector.detectImage(jpeg);
    const at = frameTime(seq, f);
    out.push({
      frameId: `${seq.name}-${f}`,
      tenantId: EVAL_TENANT,
      deviceId: seq.name,
      capturedAt: at,
      acceptedAt: at,
      analysedAt: at,
      width: geometry.srcWidth,
      height: geometry.srcHeight,
      model: detector.spec.id,
      origin: 'model',
      detections: detections.map((d) => ({
        label: cocoLabels[d.classId] ?? `class_${d.classId}`,
        classId: d.classId,
        score: d.score,
        box: d.box,
      })),
    });
  }
  return out;
}
