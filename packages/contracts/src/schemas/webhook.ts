import { type Static, Type } from '@sinclair/typebox';
import { Id } from './common.js';

/** An outbound webhook in the `webhooks` bucket under `hook.<tenant>.<webhookId>`. */
export const Webhook = Type.Object(
  {
    webhookId: Id,
    tenantId: Id,
    url: Type.String({ minLength: 8, maxLength: 2048 }),
    /** Analytic ids delivered (seed 004 `analytic_id`), e.g. `SL-ALERT`; empty means all. */
    analytics: Type.Array(Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }), { maxItems: 32 }),
    /** HMAC-SHA256 key for `Sightline-Signature`; returned once at creation. */
    secret: Type.String({ minLength: 32, maxLength: 128 }),
    enabled: Type.Boolean(),
    createdAt: Type.Number(),
  },
  { additionalProperties: false },
);
export type Webhook = Static<typeof Webhook>;

/** One delivery of one event to one webhook, updated on every attempt. */
export const WebhookDelivery = Type.Object(
  {
    deliveryId: Id,
    webhookId: Id,
    eventId: Type.String(),
    analyticId: Type.String(),
    state: Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed')]),
    attempts: Type.Integer({ minimum: 0 }),
    lastStatus: Type.Optional(Type.Integer()),
    lastError: Type.Optional(Type.String({ maxLength: 512 })),
    updatedAt: Type.Number(),
  },
  { additionalProperties: false },
);
export type WebhookDelivery = Static<typeof WebhookDelivery>;
