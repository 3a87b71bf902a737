import { buckets, type Webhook, type WebhookDelivery } from '@sightline/contracts';
import { JsonBucket, type NatsConnection } from '@sightline/nats';

/** Webhooks under `hook.<tenant>.<id>`, deliveries under `delivery.<tenant>.<hook>.<id>` in KV `webhooks`. */
export class WebhookStore {
  private constructor(
    readonly hooks: JsonBucket<Webhook>,
    readonly deliveries: JsonBucket<WebhookDelivery>,
  ) {}

  static async open(nc: NatsConnection): Promise<WebhookStore> {
    const bucket = await JsonBucket.open<never>(nc, buckets.webhooks);
    return new WebhookStore(new JsonBucket<Webhook>(bucket.kv), new JsonBucket<WebhookDelivery>(bucket.kv));
  }

  list(tenantId: string): Promise<Webhook[]> {
    return this.hooks.values(`hook.${tenantId}.*`);
  }

  async get(tenantId: string, webhookId: string): Promise<Webhook | undefined> {
    const hook = await this.hooks.get(`hook.${tenantId}.${webhookId}`);
    return hook?.tenantId === tenantId ? hook : undefined;
  }

  async create(hook: Webhook): Promise<void> {
    await this.hooks.create(`hook.${hook.tenantId}.${hook.webhookId}`, hook);
  }

  async delete(tenantId: string, webhookId: string): Promise<void> {
    await this.hooks.delete(`hook.${tenantId}.${webhookId}`);
  }

  async record(tenantId: string, d: WebhookDelivery): Promise<void> {
    await this.deliveries.put(`delivery.${tenantId}.${d.webhookId}.${d.deliveryId}`, d);
  }

  async deliveriesOf(tenantId: string, webhookId: string): Promise<WebhookDelivery[]> {
    const all = await this.deliveries.values(`delivery.${tenantId}.${webhookId}.*`);
    return all.sort((a, b) => b.updatedAt - a.updatedAt);
  }
}
