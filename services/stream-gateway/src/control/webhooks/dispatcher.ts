import { randomUUID } from 'node:crypto';
import {
  type AnalyticEvent,
  compile,
  consumers,
  AnalyticEvent as EventSchema,
  parseDeviceSubject,
  type Webhook,
  type WebhookDelivery,
} from '@sightline/contracts';
import {
  AckPolicy,
  type ConsumeLoop,
  DeliverPolicy,
  type JsMsg,
  manager,
  outcome,
  startConsumeLoop,
} from '@sightline/nats';
import { Counter, metricPrefix } from '@sightline/service-kit';
import type { ControlPlaneDeps, WebhookOptions } from '../deps.js';
import { signatureHeader } from './signature.js';
import type { WebhookStore } from './store.js';

const validEvent = compile(EventSchema);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Create the shared durable consumer if absent; it starts at new events, never replays history. */
async function ensureConsumer(deps: ControlPlaneDeps): Promise<void> {
  const jsm = await manager(deps.nc);
  const spec = consumers.webhooks;
  try {
    await jsm.consumers.info(spec.stream, spec.durable);
  } catch {
    await jsm.consumers
      .add(spec.stream, {
        durable_name: spec.durable,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.New,
        filter_subject: spec.filterSubjects[0],
        ack_wait: spec.ackWaitMs * 1_000_000,
        max_deliver: spec.maxDeliver,
        max_ack_pending: spec.maxAckPending,
      })
      .catch((err: unknown) => {
        if (!/already in use|exists/i.test(String(err))) throw err;
      });
  }
}

/**
 * Delivers each event on EVENTS to the tenant's matching webhooks: signed POSTs, retried with
 * exponential backoff, every attempt recorded. The message is acked once every hook has
 * succeeded or used up its attempts (at-least-once: receivers dedupe on Sightline-Event-Id).
 */
export async function startWebhookDispatcher(
  deps: ControlPlaneDeps,
  store: WebhookStore,
  o: WebhookOptions,
): Promise<ConsumeLoop> {
  const prefix = metricPrefix('stream-gateway');
  const attempts = new Counter({
    name: `${prefix}webhook_attempts_total`,
    help: 'Webhook delivery attempts by result',
    labelNames: ['result'],
    registers: [deps.registry],
  });
  const dropped = new Counter({
    name: `${prefix}webhook_events_dropped_total`,
    help: 'Events the webhook dispatcher dropped, by reason',
    labelNames: ['reason'],
    registers: [deps.registry],
  });

  async function attempt(hook: Webhook, body: string, event: AnalyticEvent, deliveryId: string) {
    const ts = Math.floor(Date.now() / 1000);
    try {
      const res = await fetch(hook.url, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(o.timeoutMs),
        headers: {
          'content-type': 'application/json',
          'sightline-signature': signatureHeader(hook.secret, body, ts),
          'sightline-event-id': event.event_id,
          'sightline-delivery-id': deliveryId,
        },
        body,
      });
      return { ok: res.status >= 200 && res.status < 300, status: res.status };
    } catch (err) {
      return { ok: false, error: String((err as Error)?.message ?? err).slice(0, 500) };
    }
  }

  async function deliver(hook: Webhook, event: AnalyticEvent, body: string): Promise<void> {
    const d: WebhookDelivery = {
      deliveryId: randomUUID(),
      webhookId: hook.webhookId,
      eventId: event.event_id,
      analyticId: event.analytic_id,
      state: 'pending',
      attempts: 0,
      updatedAt: Date.now(),
    };
    for (let n = 0; n < o.maxAttempts; n++) {
      if (n > 0) await sleep(o.baseDelayMs * 2 ** (n - 1));
      const r = await attempt(hook, body, event, d.deliveryId);
      attempts.inc({ result: r.ok ? 'ok' : 'failed' });
      d.attempts = n + 1;
      d.updatedAt = Date.now();
      d.state = r.ok ? 'delivered' : n + 1 === o.maxAttempts ? 'failed' : 'pending';
      if (r.status !== undefined) d.lastStatus = r.status;
      if (r.error !== undefined) d.lastError = r.error;
      await store.record(hook.tenantId, d);
      if (r.ok) return;
    }
  }

  async function handle(msg: JsMsg) {
    const where = parseDeviceSubject(msg.subject);
    if (!where) return outcome.drop('bad_subject');
    let event: unknown;
    try {
      event = msg.json();
    } catch {
      return outcome.drop('not_json');
    }
    if (!validEvent.check(event)) return outcome.drop('invalid_event');
    const hooks = (await store.list(where.tenantId)).filter(
      (h) => h.enabled && (h.analytics.length === 0 || h.analytics.includes(event.analytic_id)),
    );
    const body = JSON.stringify({ tenantId: where.tenantId, deviceId: where.deviceId, event });
    await Promise.all(hooks.map((h) => deliver(h, event, body)));
    return outcome.ack();
  }

  await ensureConsumer(deps);
  return startConsumeLoop({
    js: deps.js,
    stream: consumers.webhooks.stream,
    durable: consumers.webhooks.durable,
    maxMessages: 4,
    handler: handle,
    onOutcome: (r) => {
      if (r.kind === 'drop') dropped.inc({ reason: r.reason });
    },
    onError: (err) => deps.logger.warn({ err }, 'webhook dispatcher error'),
  });
}
