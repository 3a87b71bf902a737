import { type AnalysisResult, streams } from '@sightline/contracts';
import { manager } from '@sightline/nats';
import { startNats, type TestNats, waitFor } from '@sightline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addKey,
  analysisResult,
  publishAnalysis,
  type RunningGateway,
  seedTenant,
  startGateway,
  type Tenant,
} from '../support/gateway.js';
import { FetchSse } from '../support/sse-reader.js';

let nats: TestNats;
let gw: RunningGateway;
let a: Tenant;
let b: Tenant;
const clients: FetchSse[] = [];
type ErrorJson = { error: { code: string; message: string } };

const auth = (key: string) => ({ Authorization: `Bearer ${key}` });
async function open(path: string, headers: Record<string, string>): Promise<FetchSse> {
  const client = await FetchSse.open(`${gw.url}${path}`, headers);
  clients.push(client);
  return client;
}
const waitEvents = (c: FetchSse, n: number, what = `${n} events`) =>
  waitFor(() => c.events.length >= n, { what, timeoutMs: 10_000 });

beforeAll(async () => {
  nats = await startNats();
  gw = await startGateway(nats.url);
  a = await seedTenant(gw.runtime, { devices: 2 });
  b = await seedTenant(gw.runtime, { devices: 1, scopes: ['analytics:read'] });
});

afterAll(async () => {
  for (const c of clients) c.close();
  await gw?.stop();
  await nats?.stop();
});

describe('GET /api/v1/devices/:id/analysis/stream', () => {
  it('streams analysis_result events exactly as seed 000 frames them', async () => {
    const device = a.deviceIds[0]!;
    const client = await open(`/api/v1/devices/${device}/analysis/stream`, auth(a.key));
    expect(client.response.status).toBe(200);
    expect(client.response.headers.get('content-type')).toBe('text/event-stream');
    expect(client.response.headers.get('cache-control')).toBe('no-cache');
    expect(client.response.headers.get('x-accel-buffering')).toBe('no');
    await waitFor(() => client.blocks.length >= 1, { what: 'retry block' });
    expect(client.blocks[0]).toEqual({ retry: 3000 });

    const sent: AnalysisResult = analysisResult(device, [
      { type: 'person', confidence: 0.9, boundingBox: { x: 1, y: 2, width: 3, height: 4 } },
    ]);
    const seq = await publishAnalysis(gw.runtime, a.tenantId, sent);
    await waitEvents(client, 1);
    const [event] = client.events;
    expect(event!.event).toBe('analysis_result');
    expect(event!.id).toBe(`${device}-${seq}`);
    expect(JSON.parse(event!.data!)).toEqual(sent);
  });

  it('sends only the device it was asked for', async () => {
    const [d0, d1] = a.deviceIds as [string, string];
    const client = await open(`/api/v1/devices/${d0}/analysis/stream`, auth(a.key));
    await waitFor(() => client.blocks.length >= 1);
    await publishAnalysis(gw.runtime, a.tenantId, analysisResult(d1));
    const mine = await publishAnalysis(gw.runtime, a.tenantId, analysisResult(d0));
    await waitEvents(client, 1);
    expect(client.events.map((e) => e.id)).toEqual([`${d0}-${mine}`]);
  });

  it('answers 401, 403 and 404 as JSON before any stream opens', async () => {
    const device = a.deviceIds[0]!;
    const path = `${gw.url}/api/v1/devices/${device}/analysis/stream`;
    const missing = await fetch(path);
    expect(missing.status).toBe(401);
    expect(((await missing.json()) as ErrorJson).error.code).toBe('unauthorized');

    const writer = await addKey(gw.runtime, a.tenantId, ['frames:write']);
    const forbidden = await fetch(path, { headers: auth(writer) });
    expect(forbidden.status).toBe(403);
    expect(((await forbidden.json()) as ErrorJson).error.code).toBe('forbidden');

    // Tenant B asking for tenant A's device, and for a device that does not exist: same answer.
    const foreign = await fetch(path, { headers: auth(b.key) });
    const unknownId = `${device.slice(0, -4)}beef`;
    const unknown = await fetch(`${gw.url}/api/v1/devices/${unknownId}/analysis/stream`, {
      headers: auth(b.key),
    });
    expect(foreign.status).toBe(404);
    expect(unknown.status).toBe(404);
    const foreignBody = await foreign.text();
    expect(foreignBody.replace(device, 'ID')).toBe((await unknown.text()).replace(unknownId, 'ID'));
  });
});

describe('GET /api/v1/devices/analysis/stream/all', () => {
  it("streams every device of the caller's tenant and nothing of another tenant", async () => {
    const client = await open('/api/v1/devices/analysis/stream/all', auth(a.key));
    await waitFor(() => client.blocks.length >= 1);
    const seqs = [
      await publishAnalysis(gw.runtime, a.tenantId, analysisResult(a.deviceIds[0]!)),
      await publishAnalysis(gw.runtime, b.tenantId, analysisResult(b.deviceIds[0]!)),
      await publishAnalysis(gw.runtime, a.tenantId, analysisResult(a.deviceIds[1]!)),
    ];
    await waitEvents(client, 2);
    // A later event of tenant A proves tenant B's was not merely late.
    const last = await publishAnalysis(gw.runtime, a.tenantId, analysisResult(a.deviceIds[0]!));
    await waitEvents(client, 3);
    expect(client.events.map((e) => e.id)).toEqual([
      `${a.tenantId}-${seqs[0]}`,
      `${a.tenantId}-${seqs[2]}`,
      `${a.tenantId}-${last}`,
    ]);
    expect(client.events.map((e) => JSON.parse(e.data!).deviceId)).toEqual([
      a.deviceIds[0],
      a.deviceIds[1],
      a.deviceIds[0],
    ]);
  });
});

describe('resume', () => {
  it('replays every missed event once, in order, then continues live (header and query)', async () => {
    const device = a.deviceIds[1]!;
    const path = `/api/v1/devices/${device}/analysis/stream`;
    const first = await open(path, auth(a.key));
    await waitFor(() => first.blocks.length >= 1);
    const seen = await publishAnalysis(gw.runtime, a.tenantId, analysisResult(device));
    await waitEvents(first, 1);
    first.close();

    const missed: number[] = [];
    for (let i = 0; i < 5; i++) {
      missed.push(await publishAnalysis(gw.runtime, a.tenantId, analysisResult(device)));
      await publishAnalysis(gw.runtime, a.tenantId, analysisResult(a.deviceIds[0]!));
    }
    const byHeader = await open(path, { ...auth(a.key), 'Last-Event-ID': `${device}-${seen}` });
    const byQuery = await open(`${path}?lastEventId=${device}-${seen}`, auth(a.key));
    await waitEvents(byHeader, 5);
    await waitEvents(byQuery, 5);
    const live = await publishAnalysis(gw.runtime, a.tenantId, analysisResult(device));
    const expected = [...missed, live].map((s) => `${device}-${s}`);
    await waitEvents(byHeader, 6);
    await waitEvents(byQuery, 6);
    expect(byHeader.events.map((e) => e.id)).toEqual(expected);
    expect(byQuery.events.map((e) => e.id)).toEqual(expected);
  });

  it('refuses an id of another stream or of the wrong shape with 400', async () => {
    const [d0, d1] = a.deviceIds as [string, string];
    const path = `${gw.url}/api/v1/devices/${d0}/analysis/stream`;
    for (const id of [`${d1}-5`, 'garbage', `${d0}-`, `${b.tenantId}-3`]) {
      const res = await fetch(path, { headers: { ...auth(a.key), 'Last-Event-ID': id } });
      expect(res.status, id).toBe(400);
      expect(((await res.json()) as ErrorJson).error.code).toBe('bad_request');
    }
    const all = await fetch(`${gw.url}/api/v1/devices/analysis/stream/all?lastEventId=${d0}-1`, {
      headers: auth(a.key),
    });
    expect(all.status).toBe(400);
  });

  it('sends event: reset first when the position is older than retention', async () => {
    const device = a.deviceIds[0]!;
    const old = await publishAnalysis(gw.runtime, a.tenantId, analysisResult(device));
    const purged = await publishAnalysis(gw.runtime, a.tenantId, analysisResult(device));
    const jsm = await manager(gw.runtime.nc);
    const kept = await publishAnalysis(gw.runtime, a.tenantId, analysisResult(device));
    // Everything before `kept` ages out.
    await jsm.streams.purge(streams.analysis.name, { seq: kept });
    const client = await open(`/api/v1/devices/${device}/analysis/stream`, {
      ...auth(a.key),
      'Last-Event-ID': `${device}-${old}`,
    });
    await waitEvents(client, 2);
    const [reset, first] = client.events;
    expect(reset!.event).toBe('reset');
    expect(reset!.id).toBeUndefined();
    // The reset names the first event written after it. That is `kept`, unless this gateway's hub
    // still holds `purged` in a batch it has not handed out yet (it received it before the purge):
    // then `purged` comes first, from memory, and `kept` after it.
    expect(JSON.parse(reset!.data!)).toEqual({ reason: 'retention', firstAvailableId: first!.id });
    expect([`${device}-${kept}`, `${device}-${purged}`]).toContain(first!.id);
    if (first!.id !== `${device}-${kept}`) {
      await waitEvents(client, 3);
      expect(client.events[2]!.id).toBe(`${device}-${kept}`);
    }
  });

  it('sends event: reset (unknown_position) for a position beyond the stream, then continues live', async () => {
    const device = a.deviceIds[1]!;
    const client = await open(`/api/v1/devices/${device}/analysis/stream`, {
      ...auth(a.key),
      'Last-Event-ID': `${device}-999999999`,
    });
    await waitEvents(client, 1);
    expect(client.events[0]).toEqual({
      event: 'reset',
      data: JSON.stringify({ reason: 'unknown_position', firstAvailableId: null }),
    });
    const live = await publishAnalysis(gw.runtime, a.tenantId, analysisResult(device));
    await waitEvents(client, 2);
    expect(client.events[1]!.id).toBe(`${device}-${live}`);
  });
});
