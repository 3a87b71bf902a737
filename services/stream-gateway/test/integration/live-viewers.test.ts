import { subjects } from '@sightline/contracts';
import { connectNats, type NatsConnection } from '@sightline/nats';
import { startNats, type TestNats, waitFor } from '@sightline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ViewerAnnouncer } from '../../src/adapters/viewer-announcer.js';
import { type RunningGateway, seedTenant, startGateway, type Tenant } from '../support/gateway.js';
import { metricValue } from '../support/metrics.js';
import { WsClient } from '../support/ws-client.js';

let nats: TestNats;
let gw: RunningGateway;
let tenant: Tenant;
let inference: NatsConnection;
/** Announcements seen, as inference sees them: subject of each, in order. */
const announced: string[] = [];

beforeAll(async () => {
  nats = await startNats();
  // A long interval: every announcement in the gateway test comes from a start or a sync request.
  gw = await startGateway(nats.url, { LIVE_VIEWERS_ANNOUNCE_MS: '600000', HUB_LINGER_MS: '0' });
  tenant = await seedTenant(gw.runtime, { devices: 2 });
  inference = await connectNats({ url: nats.url, name: 'inference-side' });
  inference.subscribe(subjects.liveViewersAll, {
    callback: (_err, m) => {
      announced.push(m.subject);
    },
  });
  await inference.flush();
});

afterAll(async () => {
  await inference?.close();
  await gw?.stop();
  await nats?.stop();
});

describe('the gateway announces the cameras it has live viewers of', () => {
  it('when the first viewer joins, and again when an inference replica asks, until the last leaves', async () => {
    const camera = tenant.deviceIds[0]!;
    const subject = subjects.liveViewers(tenant.tenantId, camera);
    const viewer = new WsClient(`${gw.url.replace('http', 'ws')}/ws/stream/${camera}`, {
      headers: { Authorization: `Bearer ${tenant.key}` },
    });
    const second = new WsClient(`${gw.url.replace('http', 'ws')}/ws/stream/${camera}`, {
      headers: { Authorization: `Bearer ${tenant.key}` },
    });
    expect(await Promise.all([viewer.opened, second.opened])).toEqual([true, true]);
    await waitFor(() => announced.length === 1, { what: 'the announcement of the first viewer' });
    expect(announced).toEqual([subject]);

    inference.publish(subjects.liveViewersSync);
    await waitFor(() => announced.length === 2, { what: 'the answer to a sync request' });
    expect(announced).toEqual([subject, subject]);

    viewer.close();
    second.close();
    await waitFor(
      async () =>
        (await metricValue(gw.runtime.registry, 'sightline_stream_gateway_subscriptions', {
          kind: 'live',
        })) === 0,
      { what: 'the live hub gone' },
    );
    inference.publish(subjects.liveViewersSync);
    // A round trip through the gateway's own connection: the sync has reached it and been handled.
    await inference.flush();
    await gw.runtime.nc.flush();
    await inference.flush();
    expect(announced).toHaveLength(2);
  });
});

describe('ViewerAnnouncer', () => {
  it('repeats the announcement of a watched camera every interval, and only of watched ones', async () => {
    const nc = await connectNats({ url: nats.url, name: 'announcer' });
    const announcer = new ViewerAnnouncer(nc, 100);
    const seen: string[] = [];
    const sub = inference.subscribe('live_viewers.t9.*', {
      callback: (_err, m) => {
        seen.push(m.subject);
      },
    });
    await inference.flush();
    try {
      announcer.watch('t9', 'cam-a');
      announcer.watch('t9', 'cam-b');
      announcer.unwatch('t9', 'cam-b');
      await waitFor(() => seen.filter((s) => s === 'live_viewers.t9.cam-a').length >= 3, {
        what: 'three announcements of cam-a',
      });
      // cam-b was announced once, when it was watched, and never again after unwatch.
      expect(seen.filter((s) => s === 'live_viewers.t9.cam-b')).toHaveLength(1);
    } finally {
      sub.unsubscribe();
      announcer.stop();
      await nc.close();
    }
  });
});
