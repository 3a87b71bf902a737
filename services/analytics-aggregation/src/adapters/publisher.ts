import { AnalysisResult, AnalyticEvent, compile, Rollup, subjects } from '@sightline/contracts';
import { type JetStreamClient, publishJson } from '@sightline/nats';
import type { FrameOutputs } from '../domain/device-analyzer.js';
import type { OutgoingEvent } from '../domain/events.js';
import { rollupMsgId } from '../domain/rollups.js';
import type { Metrics } from '../metrics.js';

const analysisValidator = compile(AnalysisResult);
const eventValidator = compile(AnalyticEvent);
const rollupValidator = compile(Rollup);

/**
 * Publishes what a frame produced, each message checked against its contract first and sent
 * with its Nats-Msg-Id, so publishing the same outputs again (a retry) stores nothing twice.
 */
export class OutputPublisher {
  constructor(
    private readonly js: JetStreamClient,
    private readonly metrics: Metrics,
  ) {}

  /** Analysis, events and closed rollups go out together; the caller acks once all are stored. */
  async publishFrame(tenantId: string, outputs: FrameOutputs): Promise<void> {
    const { analysis } = outputs;
    const subject = subjects.analysis(tenantId, analysis.deviceId);
    await Promise.all([
      publishJson(this.js, subject, analysisValidator.parse(analysis), {
        msgId: analysis.frameId ?? analysis.analysisId,
      }),
      this.publishEvents(tenantId, analysis.deviceId, outputs.events),
      this.publishRollups(outputs.rollups),
    ]);
    this.metrics.published.inc({ kind: 'analysis' });
  }

  async publishEvents(tenantId: string, deviceId: string, events: readonly OutgoingEvent[]): Promise<void> {
    await Promise.all(
      events.map((e) =>
        publishJson(this.js, subjects.events(tenantId, deviceId, e.analytic), eventValidator.parse(e.event), {
          msgId: e.event.event_id,
        }),
      ),
    );
    this.metrics.published.inc({ kind: 'event' }, events.length);
  }

  async publishRollups(rollups: readonly Rollup[]): Promise<void> {
    await Promise.all(
      rollups.map((r) =>
        publishJson(this.js, subjects.rollups(r.tenantId, r.deviceId), rollupValidator.parse(r), {
          msgId: rollupMsgId(r),
        }),
      ),
    );
    this.metrics.published.inc({ kind: 'rollup' }, rollups.length);
  }
}
