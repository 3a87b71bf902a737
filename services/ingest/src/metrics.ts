import { Counter, Gauge, Histogram, metricPrefix, type Registry } from '@sightline/service-kit';

const p = metricPrefix('ingest');

/** Every ingest metric, registered once on the service's registry. Labels are small fixed sets. */
export function createIngestMetrics(registry: Registry) {
  const registers = [registry];
  return {
    received: new Counter({
      name: `${p}frames_received_total`,
      help: 'Frames received, before validation, by source kind',
      labelNames: ['source'],
      registers,
    }),
    receivedBytes: new Counter({
      name: `${p}received_bytes_total`,
      help: 'Image bytes received, by source kind',
      labelNames: ['source'],
      registers,
    }),
    published: new Counter({
      name: `${p}frames_published_total`,
      help: 'Frames published to FRAMES, by source kind',
      labelNames: ['source'],
      registers,
    }),
    publishedBytes: new Counter({
      name: `${p}published_bytes_total`,
      help: 'JPEG bytes published to FRAMES, by source kind',
      labelNames: ['source'],
      registers,
    }),
    duplicates: new Counter({
      name: `${p}frames_duplicate_total`,
      help: 'Frames JetStream dropped as a repeated Nats-Msg-Id (a retried POST), by source kind',
      labelNames: ['source'],
      registers,
    }),
    skipped: new Counter({
      name: `${p}frames_skipped_total`,
      help: 'Frames not published on purpose (above the detect fps), by source kind and reason',
      labelNames: ['source', 'reason'],
      registers,
    }),
    rejected: new Counter({
      name: `${p}requests_rejected_total`,
      help: 'Requests or frames refused with an error, by route family and reason',
      labelNames: ['source', 'reason'],
      registers,
    }),
    publishSeconds: new Histogram({
      name: `${p}publish_latency_seconds`,
      help: 'Time from publish to PubAck on FRAMES',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    }),
    webhookBatches: new Counter({
      name: `${p}edge_batches_published_total`,
      help: 'Edge detection batches published to DETECTIONS',
      registers,
    }),
    activePulls: new Gauge({ name: `${p}active_pulls`, help: 'Pull sources this replica reads', registers }),
    ffmpegRestarts: new Counter({
      name: `${p}ffmpeg_restarts_total`,
      help: 'ffmpeg child processes restarted after an exit, by kind (pull|upload)',
      labelNames: ['kind'],
      registers,
    }),
    leaseChanges: new Counter({
      name: `${p}pull_lease_changes_total`,
      help: 'Pull leases acquired or lost by this replica',
      labelNames: ['change'],
      registers,
    }),
    wsPauses: new Counter({
      name: `${p}ws_pauses_total`,
      help: 'Times a WebSocket was paused because its frames in flight reached the limit (backpressure)',
      registers,
    }),
    wsConnections: new Gauge({
      name: `${p}ws_connections`,
      help: 'Open WebSocket push connections',
      registers,
    }),
    uploadJobs: new Counter({
      name: `${p}upload_jobs_total`,
      help: 'Video upload jobs by final state',
      labelNames: ['state'],
      registers,
    }),
    cameraFps: new Gauge({
      name: `${p}camera_fps`,
      help: 'Frames per second a device delivers (10 s window)',
      labelNames: ['tenant', 'device'],
      registers,
    }),
    detectFps: new Gauge({
      name: `${p}detect_fps`,
      help: 'Frames per second published for detection (10 s window)',
      labelNames: ['tenant', 'device'],
      registers,
    }),
    skippedFps: new Gauge({
      name: `${p}skipped_fps`,
      help: 'Frames per second skipped by pacing (10 s window)',
      labelNames: ['tenant', 'device'],
      registers,
    }),
    lastFrameAge: new Gauge({
      name: `${p}last_frame_age_seconds`,
      help: 'Seconds since the device last delivered a frame',
      labelNames: ['tenant', 'device'],
      registers,
    }),
    connectionQuality: new Gauge({
      name: `${p}connection_quality`,
      help: 'Connection quality: 3 excellent, 2 fair, 1 poor, 0 unusable',
      labelNames: ['tenant', 'device'],
      registers,
    }),
  };
}

export type IngestMetrics = ReturnType<typeof createIngestMetrics>;
