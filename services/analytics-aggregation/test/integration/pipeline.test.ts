import {
  type AnalysisResult,
  type AnalyticsQueryReply,
  type DetectionBatch,
  partitionOf,
  streams,
  subjects,
} from '@sightline/contracts';
import { type JetStreamClient, type NatsConnection, publishJson } from '@sightline/nats';
import { bootService, type ServiceApp } from '@sightline/service-kit';
import { startNats, type TestNats, waitFor } from '@sightline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { readAtLeast } from '../support/read-subject.js';

let nats: TestNats;
let app: ServiceApp;
let nc: NatsConnection;
let js: JetStreamClient;

beforeAll(async () => {
  nats = await startNats();
  const runtime = await bootService({
    service: 'analytics-test',
    version: '0',
    logLevel: 'silent',
    natsUrl: nats.url,
  });
  nc = runtime.nc;
  js = runtime.js;
  app = await buildApp(runtime, loadConfig({ NATS_URL: nats.url, LOG_LEVEL: 'silent' }));
  await app.start();
}, 30_000);

afterAll(async () => {
  await app?.stop();
  await nc?.drain();
  await nats?.stop();
});

function batch(tenantId: string, deviceId: string, n: number, people: number): DetectionBatch {
  const t = 1_738_000_000_000 + n * 200;
  return {
    frameId: `${deviceId}-f${n}`,
    tenantId,
    deviceId,
    capturedAt: t,
    acceptedAt: t + 1,
    analysedAt: t + 40,
    width: 640,
    height: 480,
    model: 'test',
    origin: 'edge',
    detections: Array.from({ length: people }, (_, i) => ({
      label: 'person',
      classId: 0,
      score: 0.9,
      box: [20 + i * 100 + n, 100, 80 + i * 100 + n, 260] as [number, number, number, number],
    })),
  };
}

async function send(b: DetectionBatch) {
  await publishJson(js, subjects.detections(partitionOf(b.deviceId), b.tenantId, b.deviceId), b, {
    msgId: b.frameId,
  });
}

async function readAnalysis(tenantId: string, deviceId: string, count: number): Promise<AnalysisResult[]> {
  return readAtLeast<AnalysisResult>(js, streams.analysis.name, subjects.analysis(tenantId, deviceId), count);
}

async function query(body: unknown): Promise<AnalyticsQueryReply> {
  const reply = await nc.request(subjects.analyticsQuery, JSON.stringify(body), { timeout: 5000 });
  return reply.json<AnalyticsQueryReply>();
}

describe('analytics-aggregation through real NATS', () => {
  it('publishes one seed 000 analysis_result per frame with tracks and counts', async () => {
    for (let n = 0; n < 5; n++) await send(batch('acme', 'cam-1', n, 3));
    const results = await readAnalysis('acme', 'cam-1', 5);
    expect(results.map((r) => r.frameId)).toEqual([
      'cam-1-f0',
      'cam-1-f1',
      'cam-1-f2',
      'cam-1-f3',
      'cam-1-f4',
    ]);
    const last = results[4]!;
    expect(last).toMatchObject({
      deviceId: 'cam-1',
      sceneId: 'cam-1',
      geometryVersion: 0,
      counts: { person: 3 },
    });
    expect(last.timestamp).toBe(new Date(1_738_000_000_800).toISOString());
    expect(last.detections[0]).toMatchObject({
      type: 'person',
      confidence: 0.9,
      boundingBox: { x: 24, y: 100, width: 60, height: 160 },
    });
    // Confirmed after two hits: the same three ids on every later frame.
    expect(new Set(last.detections.map((d) => d.trackId))).toEqual(
      new Set(results[2]!.detections.map((d) => d.trackId)),
    );
    expect(last.detections.every((d) => typeof d.trackId === 'number')).toBe(true);
  });

  it('drops an invalid batch and still processes the next', async () => {
    await publishJson(
      js,
      subjects.detections(partitionOf('cam-2'), 'acme', 'cam-2'),
      { frameId: 'x' },
      { msgId: 'bad-1' },
    );
    await send(batch('acme', 'cam-2', 0, 2));
    const [result] = await readAnalysis('acme', 'cam-2', 1);
    expect(result?.counts).toEqual({ person: 2 });
  });

  it('answers counts_now for the asking tenant only', async () => {
    await send(batch('other', 'cam-9', 0, 7));
    await waitFor(
      async () => (await query({ tenantId: 'other', metric: 'counts_now' })).devices?.length === 1,
      {
        what: 'other tenant analysed',
      },
    );
    const mine = await query({ tenantId: 'acme', metric: 'counts_now' });
    expect(mine.ok).toBe(true);
    expect(mine.devices?.map((d) => d.deviceId)).toEqual(['cam-1', 'cam-2']);
    expect(mine.devices?.find((d) => d.deviceId === 'cam-1')).toMatchObject({
      frameId: 'cam-1-f4',
      counts: { person: 3 },
    });
    const filtered = await query({ tenantId: 'acme', metric: 'counts_now', deviceIds: ['cam-9'] });
    expect(filtered.devices).toEqual([{ deviceId: 'cam-9', counts: {} }]);
  });

  it('answers a malformed query with ok:false', async () => {
    expect(await query({ tenantId: 'acme', metric: 'everything' })).toMatchObject({ ok: false });
    const raw = await nc.request(subjects.analyticsQuery, 'not json', { timeout: 5000 });
    expect(raw.json()).toMatchObject({ ok: false, error: 'query is not JSON' });
  });
});
