import { Counter, Gauge, Histogram, metricPrefix, type Registry } from '@sightline/service-kit';

export const SERVICE = 'analytics-aggregation';

/** The service's own metrics, on the runtime's registry. Labels are small fixed sets. */
export function createMetrics(registry: Registry) {
  const p = metricPrefix(SERVICE);
  return {
    batches: new Counter({
      name: `${p}batches_total`,
      help: 'Detection batches by outcome (ack, retry, drop)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    dropped: new Counter({
      name: `${p}dropped_total`,
      help: 'Detection batches dropped, by reason',
      labelNames: ['reason'],
      registers: [registry],
    }),
    late: new Counter({
      name: `${p}late_batches_total`,
      help: 'Batches older than a frame already tracked: analysed without advancing the tracker',
      registers: [registry],
    }),
    processing: new Histogram({
      name: `${p}processing_seconds`,
      help: 'Time to analyse one batch (tracker, zones, lines, rules), without publishing',
      buckets: [0.0001, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.05, 0.1],
      registers: [registry],
    }),
    latency: new Histogram({
      name: `${p}pipeline_latency_seconds`,
      help: 'From ingest accepting the frame to its analysis_result being published',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
      registers: [registry],
    }),
    published: new Counter({
      name: `${p}published_total`,
      help: 'Messages published, by kind (analysis, event, rollup)',
      labelNames: ['kind'],
      registers: [registry],
    }),
    devices: new Gauge({ name: `${p}devices`, help: 'Devices with state in memory', registers: [registry] }),
    eventImages: new Counter({
      name: `${p}event_images_total`,
      help: 'Events whose scene wants an image, by result: attached, or why not (no_frame, frame_gone, frame_mismatch, fetch_failed, undecodable, no_region, crop_failed, timeout)',
      labelNames: ['result'],
      registers: [registry],
    }),
    eventImageSeconds: new Histogram({
      name: `${p}event_image_seconds`,
      help: "Time to read one frame back from FRAMES and crop its events' images, waiting for a slot included",
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5],
      registers: [registry],
    }),
    scenes: new Counter({
      name: `${p}scene_updates_total`,
      help: 'Scene changes seen in KV, by result (applied, invalid, deleted)',
      labelNames: ['result'],
      registers: [registry],
    }),
    queries: new Counter({
      name: `${p}queries_total`,
      help: 'Analytics queries answered, by metric and result',
      labelNames: ['metric', 'result'],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
