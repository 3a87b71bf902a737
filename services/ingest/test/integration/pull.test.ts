import { buckets, type Device, subjects } from '@sightline/contracts';
import { JsonBucket } from '@sightline/nats';
import { dataPath, waitFor } from '@sightline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, headersOf, type IngestUnderTest, readFrames, startIngest } from './harness.js';
import { type MjpegServer, startMjpegServer } from './mjpeg-server.js';

describe('pull sources through ffmpeg, with leases in KV', () => {
  let ingest: IngestUnderTest;
  let camera: MjpegServer;
  let sessions: JsonBucket<{ owner: string }>;

  beforeAll(async () => {
    ingest = await startIngest({
      PULL: 'on',
      INSTANCE_ID: 'replica-a',
      LEASE_RENEW_MS: '200',
      LEASE_TTL_MS: '1000',
      PULL_BACKOFF_MIN_MS: '100',
    });
    camera = await startMjpegServer({ fps: 10, framesPerConnection: 15 });
    sessions = await JsonBucket.open(ingest.runtime.nc, buckets.sessions);
  });
  afterAll(async () => {
    await ingest?.stop();
    await camera?.close();
  });

  const pulledFrames = async (tenantId: string, deviceId: string, n: number) => {
    const msgs = await waitFor(
      async () => {
        const got = await readFrames(ingest.runtime.js, subjects.frames(tenantId, deviceId), n, 1000);
        return got.length >= n ? got : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 200, what: `${n} pulled frames` },
    );
    return msgs.map(headersOf);
  };

  it('pulls a real video file (looped), holds its lease, and stops when the source is removed', async () => {
    const video = dataPath('video', 'vqpy_pedestrian_10s.mp4');
    const t = await createTenant(ingest.control, { detectFps: 5, sourceUrl: `file://${video}` });
    const frames = await pulledFrames(t.tenantId, t.deviceId, 5);
    expect(frames.every((h) => h.source === 'pull' && h.width === '854' && h.height === '480')).toBe(true);
    expect(await sessions.get(`pull.${t.tenantId}.${t.deviceId}`)).toMatchObject({ owner: 'replica-a' });

    const key = `${t.tenantId}.${t.deviceId}`;
    const device = (await ingest.control.devices.get(key)) as Device;
    const { sourceUrl: _removed, ...withoutSource } = device;
    await ingest.control.devices.put(key, { ...withoutSource, updatedAt: Date.now() });
    await waitFor(async () => (await sessions.get(`pull.${t.tenantId}.${t.deviceId}`)) === undefined, {
      what: 'lease released',
    });
    const metrics = await (await fetch(`${ingest.url}/metrics`)).text();
    expect(metrics).toMatch(/sightline_ingest_active_pulls\{[^}]*\} 0/);
  });

  it('pulls an MJPEG HTTP stream of real JPEGs and reconnects when the camera drops the connection', async () => {
    const t = await createTenant(ingest.control, {
      detectFps: 5,
      sourceUrl: `${camera.url}/stream`,
      scopes: ['frames:write', 'device:read'],
    });
    const frames = await pulledFrames(t.tenantId, t.deviceId, 8);
    expect(frames.every((h) => h.source === 'pull' && h.width === '640' && h.height === '480')).toBe(true);
    // 15 frames per connection at 10 fps: the camera hangs up every 1.5 s; the puller comes back.
    await waitFor(() => camera.connections() >= 3, { timeoutMs: 20_000, what: 'reconnects to the camera' });
    const health = (await (
      await fetch(`${ingest.url}/api/v1/devices/${t.deviceId}/health`, {
        headers: { authorization: `Bearer ${t.key}` },
      })
    ).json()) as { reconnects: number; pulling: boolean; source: string };
    expect(health.reconnects).toBeGreaterThanOrEqual(1);
    expect(health).toMatchObject({ pulling: true, source: 'pull' });
    await ingest.control.deleteDevice(t.tenantId, t.deviceId);
  });

  it('pulls a JPEG snapshot URL repeatedly at the detect fps', async () => {
    const t = await createTenant(ingest.control, { detectFps: 4, sourceUrl: `${camera.url}/snapshot.jpg` });
    const frames = await pulledFrames(t.tenantId, t.deviceId, 3);
    expect(new Set(frames.map((h) => h.frameId)).size).toBe(3);
    expect(frames.every((h) => h.width === '640')).toBe(true);
    await ingest.control.deleteDevice(t.tenantId, t.deviceId);
  });
});
