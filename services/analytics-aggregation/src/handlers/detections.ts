import { compile, DetectionBatch, parseDeviceSubject } from '@sightline/contracts';
import { type JsMsg, type Outcome, outcome } from '@sightline/nats';
import type { Logger } from '@sightline/service-kit';
import type { OutputPublisher } from '../adapters/publisher.js';
import type { FrameOutputs } from '../domain/device-analyzer.js';
import type { DeviceRegistry } from '../domain/device-registry.js';
import type { Metrics } from '../metrics.js';

const validator = compile(DetectionBatch);

export interface DetectionsDeps {
  registry: DeviceRegistry;
  publisher: OutputPublisher;
  metrics: Metrics;
  logger: Logger;
  now?: () => number;
}

/**
 * One DetectionBatch → analyse → publish analysis, events and closed rollups → ack. The
 * outputs of the frame in hand are kept until published, so a retry after a failed publish
 * sends the same outputs again instead of feeding the frame to the tracker twice.
 */
export function detectionsHandler(deps: DetectionsDeps): (msg: JsMsg) => Promise<Outcome> {
  const now = deps.now ?? Date.now;
  const unpublished = new Map<string, FrameOutputs>();

  return async (msg) => {
    let value: unknown;
    try {
      value = msg.json();
    } catch {
      return outcome.drop('malformed_json');
    }
    if (!validator.check(value)) return outcome.drop('invalid_batch');
    const batch = value;
    const route = parseDeviceSubject(msg.subject);
    // The subject is what NATS permissions checked; a body claiming another tenant is refused.
    if (route && (route.tenantId !== batch.tenantId || route.deviceId !== batch.deviceId)) {
      return outcome.drop('subject_mismatch');
    }
    let outputs = unpublished.get(batch.frameId);
    if (!outputs) {
      const analyzer = deps.registry.analyzer(batch.tenantId, batch.deviceId, now());
      // Already analysed and acked once (a lost ack), or older than what the tracker has seen.
      if (analyzer.latest?.frameId === batch.frameId) return outcome.drop('duplicate');
      const end = deps.metrics.processing.startTimer();
      if (batch.capturedAt < analyzer.lastCapturedAt) {
        // Every frame gets its analysis_result; a late one just does not advance the tracker.
        deps.metrics.late.inc();
        outputs = analyzer.processLate(batch, now());
      } else {
        outputs = analyzer.process(batch, now());
      }
      end();
      unpublished.set(batch.frameId, outputs);
    }
    try {
      await deps.publisher.publishFrame(batch.tenantId, outputs);
    } catch (err) {
      deps.logger.warn({ err, frameId: batch.frameId }, 'publish failed; will retry');
      return outcome.retry('publish_failed', 500);
    }
    unpublished.delete(batch.frameId);
    deps.metrics.latency.observe(Math.max(0, now() - batch.acceptedAt) / 1000);
    return outcome.ack();
  };
}
