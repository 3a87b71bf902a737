import { compile, DetectionBatch, partitionOf, streams, subjects } from '@sightline/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, type IngestUnderTest, startIngest } from './harness.js';

describe('POST /api/webhook: edge detections straight to DETECTIONS', () => {
  let ingest: IngestUnderTest;
  beforeAll(async () => {
    ingest = await startIngest();
  });
  afterAll(() => ingest?.stop());

  const post = (key: string, body: unknown) =>
    fetch(`${ingest.url}/api/webhook`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('publishes a DetectionBatch with origin edge on the device partition, once per frameId', async () => {
    const t = await createTenant(ingest.control);
    const timestamp = Date.now() - 100;
    const body = {
      camera_id: t.deviceId,
      timestamp,
      width: 1280,
      height: 720,
      frameId: 'edge-frame-1',
      detections: [
        { class: 'person', confidence: 0.91, bbox: [10, 20, 100, 200] },
        { class: 'forklift', confidence: 0.5, bbox: [300, 300, 50, 40] },
      ],
    };
    const res = await post(t.key, body);
    expect(res.status).toBe(202);
    const answer = (await res.json()) as { frameId: string; detections: number };
    expect(answer.detections).toBe(2);
    expect(((await (await post(t.key, body)).json()) as { duplicate?: boolean }).duplicate).toBe(true);

    const subject = subjects.detections(partitionOf(t.deviceId), t.tenantId, t.deviceId);
    const consumer = await ingest.runtime.js.consumers.get(streams.detections.name, {
      filter_subjects: subject,
    });
    const msg = await consumer.next({ expires: 2000 });
    const batch = msg!.json<DetectionBatch>();
    expect(compile(DetectionBatch).check(batch)).toBe(true);
    expect(batch).toMatchObject({
      frameId: answer.frameId,
      tenantId: t.tenantId,
      deviceId: t.deviceId,
      capturedAt: timestamp,
      width: 1280,
      height: 720,
      origin: 'edge',
    });
    expect(batch.detections).toEqual([
      { label: 'person', classId: 0, score: 0.91, box: [10, 20, 110, 220] },
      { label: 'forklift', classId: 80, score: 0.5, box: [300, 300, 350, 340] },
    ]);
    expect(await consumer.next({ expires: 1000 })).toBeNull();
  });

  it('refuses bad bodies (400), wrong content type (415), foreign devices (404), missing keys (401)', async () => {
    const t = await createTenant(ingest.control);
    const other = await createTenant(ingest.control);
    const ok = { camera_id: t.deviceId, timestamp: Date.now(), detections: [] };
    expect(
      (await post(t.key, { ...ok, detections: [{ class: 'x', confidence: 2, bbox: [0, 0, 1, 1] }] })).status,
    ).toBe(400);
    expect((await post(t.key, { timestamp: Date.now(), detections: [] })).status).toBe(400);
    expect((await post(t.key, { ...ok, camera_id: other.deviceId })).status).toBe(404);
    const text = await fetch(`${ingest.url}/api/webhook`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.key}`, 'content-type': 'text/plain' },
      body: 'hi',
    });
    expect(text.status).toBe(415);
    expect((await fetch(`${ingest.url}/api/webhook`, { method: 'POST', body: '{}' })).status).toBe(401);
  });
});
