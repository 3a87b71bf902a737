import { byLabel, type Sample, sumOf } from './metrics.js';

/** What each service's /metrics says happened to the frames, gathered into one ledger. */
export function pipelineLedger(metrics: Record<string, Sample[]>) {
  const ingest = metrics.ingest ?? [];
  const inference = metrics.inference ?? [];
  const analytics = metrics['analytics-aggregation'] ?? [];
  const gateway = metrics['stream-gateway'] ?? [];
  const inferenceOutcomes = byLabel(inference, 'sightline_inference_frames_total', 'outcome');
  return {
    ingest: {
      received: sumOf(ingest, 'sightline_ingest_frames_received_total'),
      published: sumOf(ingest, 'sightline_ingest_frames_published_total'),
      duplicate: sumOf(ingest, 'sightline_ingest_frames_duplicate_total'),
      skippedByReason: byLabel(ingest, 'sightline_ingest_frames_skipped_total', 'reason'),
      rejectedByReason: byLabel(ingest, 'sightline_ingest_requests_rejected_total', 'reason'),
    },
    inference: {
      outcomes: inferenceOutcomes,
      droppedByReason: byLabel(inference, 'sightline_inference_frames_dropped_total', 'reason'),
      redelivered: sumOf(inference, 'sightline_inference_frames_redelivered_total'),
      /** Frames inference took off FRAMES and finished (a retried frame counts once more when it comes back). */
      handled:
        (inferenceOutcomes.analysed ?? 0) +
        (inferenceOutcomes.motion_skipped ?? 0) +
        (inferenceOutcomes.dropped ?? 0) -
        (inferenceOutcomes.retried ?? 0),
    },
    analytics: {
      batchesByOutcome: byLabel(analytics, 'sightline_analytics_aggregation_batches_total', 'outcome'),
      droppedByReason: byLabel(analytics, 'sightline_analytics_aggregation_dropped_total', 'reason'),
      lateBatches: sumOf(analytics, 'sightline_analytics_aggregation_late_batches_total'),
    },
    gateway: {
      deliveredByTransport: byLabel(gateway, 'sightline_stream_gateway_events_delivered_total', 'transport'),
      droppedByReason: byLabel(gateway, 'sightline_stream_gateway_dropped_messages_total', 'reason'),
      slowClient: byLabel(gateway, 'sightline_stream_gateway_slow_client_total', 'action'),
    },
  };
}

export type PipelineLedger = ReturnType<typeof pipelineLedger>;

/** Frames dropped with a reason after ingest accepted them (duplicates are not losses). */
export function countedDrops(ledger: PipelineLedger): number {
  const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
  const { duplicate = 0, ...analyticsDrops } = ledger.analytics.droppedByReason;
  void duplicate;
  return sum(ledger.inference.droppedByReason) + sum(analyticsDrops);
}
