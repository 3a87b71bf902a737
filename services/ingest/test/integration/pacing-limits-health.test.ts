import { readFileSync } from 'node:fs';
import { buckets, subjects } from '@sightline/contracts';
import { JsonBucket } from '@sightline/nats';
import { dataPath, waitFor } from '@sightline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, type IngestUnderTest, readFrames, startIngest } from './harness.js';

const dog = readFileSync(dataPath('images', 'darknet_dog.jpg'));

interface Accepted {
  frameId: string;
  skipped?: boolean;
}

describe('pacing to detect fps, per-key rate limit, per-camera health', () => {
  let ingest: IngestUnderTest;

  beforeAll(async () => {
    ingest = await startIngest({ RATE_LIMIT_PER_MINUTE: '30', HEALTH_PUBLISH_MS: '200' });
  });
  afterAll(() => ingest?.stop());

  const post = (key: string, deviceId: string, headers: Record<string, string> = {}) =>
    fetch(`${ingest.url}/api/v1/devices/${deviceId}/frames`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'image/jpeg', ...headers },
      body: dog,
    });

  it('skips frames above the device detect fps with 202 skipped:true, publishes only the rest, and counts them', async () => {
    const t = await createTenant(ingest.control, { detectFps: 0.2 });
    const answers: Accepted[] = [];
    for (let i = 0; i < 5; i++) answers.push((await (await post(t.key, t.deviceId)).json()) as Accepted);
    const published = answers.filter((a) => !a.skipped);
    expect(published).toHaveLength(1);
    expect(answers.filter((a) => a.skipped)).toHaveLength(4);
    const msgs = await readFrames(ingest.runtime.js, subjects.frames(t.tenantId, t.deviceId), 5, 1000);
    expect(msgs.map((m) => m.headers?.get('Sightline-Frame-Id'))).toEqual([published[0]!.frameId]);
    const metrics = await (await fetch(`${ingest.url}/metrics`)).text();
    expect(metrics).toMatch(/sightline_ingest_frames_skipped_total\{[^}]*reason="above_detect_fps"[^}]*\} 4/);
  });

  it('a retry of a published frame (same Idempotency-Key) is not skipped by pacing', async () => {
    const t = await createTenant(ingest.control, { detectFps: 0.2 });
    const first = (await (await post(t.key, t.deviceId, { 'idempotency-key': 'k1' })).json()) as Accepted;
    const retry = (await (await post(t.key, t.deviceId, { 'idempotency-key': 'k1' })).json()) as Accepted & {
      duplicate?: boolean;
    };
    expect(first.skipped).toBeUndefined();
    expect(retry).toMatchObject({ frameId: first.frameId, duplicate: true });
    expect(retry.skipped).toBeUndefined();
  });

  it('answers 429 with Retry-After once a key spent its minute, other keys unaffected', async () => {
    const t = await createTenant(ingest.control, { detectFps: 60 });
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 32; i++) {
      const res = await post(t.key, t.deviceId);
      statuses.push(res.status);
      if (res.status === 429) {
        retryAfter = res.headers.get('retry-after');
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe('too_many_requests');
      } else await res.arrayBuffer();
    }
    expect(statuses.filter((s) => s === 202)).toHaveLength(30);
    expect(statuses.filter((s) => s === 429)).toHaveLength(2);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    const fresh = await createTenant(ingest.control);
    expect((await post(fresh.key, fresh.deviceId)).status).toBe(202);
  });

  it('serves per-camera health on the API, as metrics, and in KV sessions', async () => {
    const t = await createTenant(ingest.control, { detectFps: 2, scopes: ['frames:write', 'device:read'] });
    for (let i = 0; i < 6; i++) await (await post(t.key, t.deviceId)).arrayBuffer();
    const res = await fetch(`${ingest.url}/api/v1/devices/${t.deviceId}/health`, {
      headers: { authorization: `Bearer ${t.key}` },
    });
    expect(res.status).toBe(200);
    const health = (await res.json()) as Record<string, unknown>;
    expect(health).toMatchObject({
      deviceId: t.deviceId,
      cameraFps: 0.6,
      targetFps: 2,
      reconnects: 0,
      source: 'http',
    });
    expect(health.detectFps as number).toBeGreaterThan(0);
    expect(health.skippedFps as number).toBeGreaterThan(0);
    expect(['excellent', 'fair', 'poor']).toContain(health.quality);

    const sessions = await JsonBucket.open<Record<string, unknown>>(ingest.runtime.nc, buckets.sessions);
    const stored = await waitFor(
      async () => {
        const h = await sessions.get(`health.${t.tenantId}.${t.deviceId}`);
        return h?.cameraFps === 0.6 ? h : undefined;
      },
      { what: 'health of all six frames in KV' },
    );
    expect(stored).toMatchObject({ deviceId: t.deviceId, tenantId: t.tenantId, cameraFps: 0.6 });
    const metrics = await (await fetch(`${ingest.url}/metrics`)).text();
    expect(metrics).toContain(`sightline_ingest_camera_fps{tenant="${t.tenantId}",device="${t.deviceId}"`);
    expect(metrics).toContain(
      `sightline_ingest_connection_quality{tenant="${t.tenantId}",device="${t.deviceId}"`,
    );
  });
});
