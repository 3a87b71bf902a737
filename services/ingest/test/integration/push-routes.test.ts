import { readFileSync } from 'node:fs';
import { subjects } from '@sightline/contracts';
import { dataPath } from '@sightline/testing';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTenant,
  headersOf,
  type IngestUnderTest,
  readFrames,
  startIngest,
  type TenantFixture,
} from './harness.js';

const dog = readFileSync(dataPath('images', 'darknet_dog.jpg'));

describe('HTTP push routes on a real nats-server', () => {
  let ingest: IngestUnderTest;
  let t: TenantFixture;

  beforeAll(async () => {
    ingest = await startIngest({ PACING: 'off' });
    t = await createTenant(ingest.control);
  });
  afterAll(() => ingest?.stop());

  const postRaw = (deviceId: string, body: Buffer, headers: Record<string, string> = {}) =>
    fetch(`${ingest.url}/api/v1/devices/${deviceId}/frames`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.key}`, 'content-type': 'image/jpeg', ...headers },
      body,
    });

  it('publishes a raw JPEG to FRAMES with every FrameMeta header and answers 202', async () => {
    const captured = Date.now() - 1000;
    const res = await postRaw(t.deviceId, dog, { 'x-frame-timestamp': String(captured) });
    expect(res.status).toBe(202);
    const body = (await res.json()) as { frameId: string; deviceId: string; acceptedAt: number };
    expect(body.deviceId).toBe(t.deviceId);

    const [msg] = await readFrames(ingest.runtime.js, subjects.frames(t.tenantId, t.deviceId), 1);
    expect(Buffer.from(msg!.data).equals(dog)).toBe(true);
    expect(headersOf(msg!)).toEqual({
      frameId: body.frameId,
      tenantId: t.tenantId,
      deviceId: t.deviceId,
      capturedAt: String(captured),
      acceptedAt: String(body.acceptedAt),
      source: 'http',
      width: '768',
      height: '576',
    });
  });

  it('converts a PNG to JPEG', async () => {
    const other = await createTenant(ingest.control);
    const png = await sharp(dog).png().toBuffer();
    const res = await fetch(`${ingest.url}/api/v1/devices/${other.deviceId}/frames`, {
      method: 'POST',
      headers: { authorization: `Bearer ${other.key}`, 'content-type': 'image/png' },
      body: png,
    });
    expect(res.status).toBe(202);
    const [msg] = await readFrames(ingest.runtime.js, subjects.frames(other.tenantId, other.deviceId), 1);
    const meta = await sharp(Buffer.from(msg!.data)).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 768, 576]);
  });

  it('publishes a retried POST with the same Idempotency-Key once', async () => {
    const dev = await createTenant(ingest.control);
    const send = () =>
      fetch(`${ingest.url}/api/v1/devices/${dev.deviceId}/frames`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${dev.key}`,
          'content-type': 'image/jpeg',
          'idempotency-key': 'retry-1',
        },
        body: dog,
      }).then(async (r) => ({
        status: r.status,
        body: (await r.json()) as { frameId: string; duplicate?: boolean },
      }));
    const first = await send();
    const second = await send();
    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    expect(second.body.frameId).toBe(first.body.frameId);
    expect(first.body.duplicate).toBeUndefined();
    expect(second.body.duplicate).toBe(true);
    const msgs = await readFrames(ingest.runtime.js, subjects.frames(dev.tenantId, dev.deviceId), 5, 1000);
    expect(msgs).toHaveLength(1);
  });

  it('publishes the seed 002 JSON body (base64 frame, camera_id) with its timestamp', async () => {
    const dev = await createTenant(ingest.control);
    const timestamp = Date.now() - 5000;
    const res = await fetch(`${ingest.url}/api/v1/actions/actions/send`, {
      method: 'POST',
      headers: { authorization: `Bearer ${dev.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        streamName: 'webcam',
        streamType: 'frame',
        frame: dog.toString('base64'),
        timestamp,
        camera_id: dev.deviceId,
      }),
    });
    expect(res.status).toBe(202);
    const body = (await res.json()) as { frameId: string };
    const [msg] = await readFrames(ingest.runtime.js, subjects.frames(dev.tenantId, dev.deviceId), 1);
    expect(Buffer.from(msg!.data).equals(dog)).toBe(true);
    expect(headersOf(msg!)).toMatchObject({
      frameId: body.frameId,
      source: 'json',
      capturedAt: String(timestamp),
    });
  });
});
