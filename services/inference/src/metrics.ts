import { Counter, Gauge, Histogram, metricPrefix, type Registry } from '@sightline/service-kit';

const p = metricPrefix('inference');

export const stages = ['queue_wait', 'decode', 'preprocess', 'run', 'postprocess', 'publish'] as const;
export type Stage = (typeof stages)[number];

export type FrameOutcome = 'analysed' | 'motion_skipped' | 'dropped' | 'retried';

export interface InferenceMetrics {
  stageSeconds: Histogram<'stage'>;
  frames: Counter<'outcome'>;
  drops: Counter<'reason'>;
  redelivered: Counter;
  motionSkipped: Counter;
  modelLoadSeconds: Gauge<'model'>;
  inferenceSpeedMs: Gauge<'model'>;
  livePublishErrors: Counter;
  liveUnwatched: Counter;
  sceneModelMissing: Counter<'model'>;
}

/** Every metric of the service, on the runtime's registry. */
export function createMetrics(registry: Registry): InferenceMetrics {
  const registers = [registry];
  return {
    stageSeconds: new Histogram({
      name: `${p}stage_seconds`,
      help: 'Latency of each stage of a frame: queue wait (since ingest accepted it), decode, preprocess, run, postprocess, publish',
      labelNames: ['stage'],
      buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10],
      registers,
    }),
    frames: new Counter({
      name: `${p}frames_total`,
      help: 'Frames pulled from FRAMES, by outcome',
      labelNames: ['outcome'],
      registers,
    }),
    drops: new Counter({
      name: `${p}frames_dropped_total`,
      help: 'Frames dropped without a detection batch, by reason',
      labelNames: ['reason'],
      registers,
    }),
    redelivered: new Counter({
      name: `${p}frames_redelivered_total`,
      help: 'Frames received again after another delivery was not acked in time',
      registers,
    }),
    motionSkipped: new Counter({
      name: `${p}motion_skipped_total`,
      help: 'Frames that reused the last detections because the picture had not changed',
      registers,
    }),
    modelLoadSeconds: new Gauge({
      name: `${p}model_load_seconds`,
      help: 'Time to load and check the model at start',
      labelNames: ['model'],
      registers,
    }),
    inferenceSpeedMs: new Gauge({
      name: `${p}inference_speed_ms`,
      help: 'Detector speed: milliseconds of the last session.run',
      labelNames: ['model'],
      registers,
    }),
    sceneModelMissing: new Counter({
      name: `${p}scene_model_missing_total`,
      help: 'Frames whose scene asks for a model not loaded here (DEVICE_MODELS); the default model ran',
      labelNames: ['model'],
      registers,
    }),
    livePublishErrors: new Counter({
      name: `${p}live_publish_errors_total`,
      help: 'Live FrameData messages that could not be published (best effort)',
      registers,
    }),
    liveUnwatched: new Counter({
      name: `${p}live_frames_unwatched_total`,
      help: 'Analysed frames not published live because no gateway announced viewers of the camera',
      registers,
    }),
  };
}
