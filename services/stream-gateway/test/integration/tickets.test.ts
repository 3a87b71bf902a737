import { buckets } from '@sightline/contracts';
import { JsonBucket } from '@sightline/nats';
import { startNats, type TestNats } from '@sightline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TicketStore } from '../../src/adapters/ticket-store.js';
import { type RunningGateway, startGateway } from '../support/gateway.js';

let nats: TestNats;
let gw: RunningGateway;

beforeAll(async () => {
  nats = await startNats();
  gw = await startGateway(nats.url);
});

afterAll(async () => {
  await gw?.stop();
  await nats?.stop();
});

describe('ticket store in KV sessions', () => {
  it('redeems a ticket once, refuses an expired one, and sweeps expired ones away', async () => {
    let now = 1_000_000;
    const bucket = await JsonBucket.open<never>(gw.runtime.nc, buckets.sessions);
    const store = new TicketStore(new JsonBucket(bucket.kv), 30_000, () => now);
    const principal = { tenantId: 't1', keyId: 'k1', owner: 'o', scopes: ['device:read' as const] };

    const used = await store.issue(principal);
    const [first, second] = await Promise.all([store.redeem(used.ticket), store.redeem(used.ticket)]);
    expect([first, second].filter(Boolean)).toEqual([principal]);

    const stale = await store.issue(principal);
    const fresh = await store.issue(principal);
    now += 31_000;
    const keep = await store.issue(principal);
    expect(await store.redeem(stale.ticket)).toBeUndefined();
    expect(await store.purgeExpired()).toBe(1); // `fresh` expired unredeemed; `stale` was consumed
    expect(await store.redeem(fresh.ticket)).toBeUndefined();
    expect(await store.redeem(keep.ticket)).toEqual(principal);
    expect(await bucket.keys('ticket.*')).toEqual([]);
  });
});
