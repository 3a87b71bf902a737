/**
 * A device's backlog in FRAMES is full (30 frames waiting, no inference running): every push
 * source gets the documented refusal — 503, Retry-After, `backlog_full` — counted by source;
 * other devices are still accepted; a video job and a pull source wait for room instead of
 * losing or hammering; and a frame is taken again once inference (here: the test, acking through
 * inference's durable consumer) frees a place.
 */
import { readFileSync } from 'node:fs';
import { consumers, streams, subjects } from '@sightline/contracts';
import { dataPath, waitFor } from '@sightline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startFrameDrain } from './frame-drain.js';
import {
  createTenant,
  type IngestUnderTest,
  readFrames,
  startIngest,
  type TenantFixture,
} from './harness.js';

const dog = readFileSync(dataPath('images', 'darknet_dog.jpg'));
const videoPath = dataPath('video', 'vqpy_pedestrian_10s.mp4');
const BACKLOG = streams.frames.maxMsgsPerSubject;

type ErrorBody = { error: { code: string; message: string } };

describe(`a device with ${BACKLOG} frames waiting in FRAMES`, () => {
  let ingest: IngestUnderTest;
  let t: TenantFixture;

  beforeAll(async () => {
    ingest = await startIngest({
      PACING: 'off',
      UPLOAD_SPEED: '20',
      PULL: 'on',
      LEASE_RENEW_MS: '200',
      LEASE_TTL_MS: '1000',
    });
    t = await createTenant(ingest.control);
  });
  afterAll(() => ingest?.stop());

  const auth = (key = t.key) => ({ authorization: `Bearer ${key}` });
  const postRaw = (deviceId: string, headers: Record<string, string> = {}) =>
    fetch(`${ingest.url}/api/v1/devices/${deviceId}/frames`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'image/jpeg', ...headers },
      body: dog,
    });
  const fill = async (deviceId: string) => {
    for (let i = 0; i < BACKLOG; i++) {
      const res = await postRaw(deviceId, { 'idempotency-key': `fill-${i}` });
      expect(res.status).toBe(202);
      expect(await res.json()).not.toHaveProperty('skipped');
    }
  };
  /** A counter's value from ingest's /metrics, whatever the order of its labels. */
  const counter = async (name: string, labels: Record<string, string>) => {
    const text = await (await fetch(`${ingest.url}/metrics`)).text();
    const line = text
      .split('\n')
      .find(
        (l) =>
          l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)),
      );
    return line ? Number(line.split(' ').pop()) : 0;
  };
  const refusedFrom = (source: string) =>
    counter('sightline_ingest_requests_rejected_total', { source, reason: 'backlog_full' });

  /** Take the oldest waiting frame off FRAMES, as inference does when it acks one. */
  const ackOldest = async () => {
    const consumer = await ingest.runtime.js.consumers.get(streams.frames.name, consumers.inference.durable);
    const msg = await consumer.next({ expires: 2000 });
    expect(await msg?.ackAck()).toBe(true);
    return msg!;
  };

  it('refuses the next frame on every push route with 503 backlog_full and Retry-After, counted by source; other devices unaffected', async () => {
    await fill(t.deviceId);

    const raw = await postRaw(t.deviceId, { 'idempotency-key': 'over' });
    expect(raw.status).toBe(503);
    expect(raw.headers.get('retry-after')).toBe('1');
    const body = (await raw.json()) as ErrorBody;
    expect(body.error.code).toBe('backlog_full');
    expect(body.error.message).toMatch(`${BACKLOG} frames waiting`);

    const json = await fetch(`${ingest.url}/api/v1/actions/actions/send`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/json' },
      body: JSON.stringify({ frame: dog.toString('base64'), camera_id: t.deviceId, timestamp: Date.now() }),
    });
    expect(json.status).toBe(503);
    expect(((await json.json()) as ErrorBody).error.code).toBe('backlog_full');

    const form = new FormData();
    form.append('file', new Blob([dog], { type: 'image/jpeg' }), 'dog.jpg');
    const upload = await fetch(`${ingest.url}/api/upload?deviceId=${t.deviceId}`, {
      method: 'POST',
      headers: auth(),
      body: form,
    });
    expect(upload.status).toBe(503);
    expect(upload.headers.get('retry-after')).toBe('1');
    expect(((await upload.json()) as ErrorBody).error.code).toBe('backlog_full');

    const ws = new WebSocket(`${ingest.url.replace('http', 'ws')}/api/v1/devices/${t.deviceId}/frames/ws`, {
      headers: auth(),
    });
    const replies: Record<string, unknown>[] = [];
    ws.on('message', (d) => replies.push(JSON.parse(String(d))));
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send(dog);
    await waitFor(() => replies.length >= 2, { what: 'the socket to answer the frame' });
    ws.close();
    expect(replies[1]).toMatchObject({ type: 'error', seq: 1, code: 'backlog_full', retryAfterSec: 1 });

    for (const source of ['http', 'json', 'upload', 'ws']) expect(await refusedFrom(source)).toBe(1);
    // Nothing was stored beyond the backlog.
    expect(
      await readFrames(ingest.runtime.js, subjects.frames(t.tenantId, t.deviceId), BACKLOG + 1, 1000),
    ).toHaveLength(BACKLOG);
    // A retry of a frame already waiting is still its 202 duplicate, not a refusal.
    const retry = await postRaw(t.deviceId, { 'idempotency-key': 'fill-0' });
    expect(await retry.json()).toMatchObject({ duplicate: true });
    // Another device of the same tenant and key is accepted.
    const other = await ingest.control.createDevice(t.tenantId, { name: 'other', detectFps: 60 });
    expect((await postRaw(other.deviceId)).status).toBe(202);
  });

  it('takes the refused frame when the camera retries after inference freed a place', async () => {
    // The oldest waiting frame is this device's first: it was filled before any other.
    expect((await ackOldest()).subject).toBe(subjects.frames(t.tenantId, t.deviceId));
    const res = await postRaw(t.deviceId, { 'idempotency-key': 'over' });
    expect(res.status).toBe(202);
    expect(await res.json()).not.toHaveProperty('duplicate');
  });

  it('a video upload waits for room instead of failing frames, and completes once frames are taken', {
    timeout: 40_000,
  }, async () => {
    const device = await ingest.control.createDevice(t.tenantId, { name: 'video', detectFps: 2 });
    await fill(device.deviceId);
    const refusedBefore = await refusedFrom('upload');
    const form = new FormData();
    form.append('file', new Blob([readFileSync(videoPath)], { type: 'video/mp4' }), 'walk.mp4');
    const started = (await (
      await fetch(`${ingest.url}/api/upload?deviceId=${device.deviceId}`, {
        method: 'POST',
        headers: auth(),
        body: form,
      })
    ).json()) as { jobId: string; framesTotal: number };
    await waitFor(async () => (await refusedFrom('upload')) > refusedBefore, {
      timeoutMs: 15_000,
      what: 'the job to meet the full backlog',
    });
    const job = async () =>
      (await (await fetch(`${ingest.url}/api/upload/jobs/${started.jobId}`, { headers: auth() })).json()) as {
        state: string;
        framesDone: number;
        framesFailed: number;
        framesTotal: number;
      };
    expect(await job()).toMatchObject({ state: 'running', framesDone: 0, framesFailed: 0 });

    const drain = await startFrameDrain(ingest.runtime.js);
    try {
      const done = await waitFor(async () => ((await job()).state !== 'running' ? job() : undefined), {
        timeoutMs: 30_000,
        what: 'the job to finish',
      });
      expect(done).toMatchObject({ state: 'done', framesFailed: 0 });
      expect(done.framesDone).toBe(done.framesTotal);
    } finally {
      await drain.stop();
    }
  });

  it('a pull source meets the full backlog, counts the refusal, waits, and flows again once frames are taken', {
    timeout: 40_000,
  }, async () => {
    const device = await ingest.control.createDevice(t.tenantId, {
      name: 'pulled',
      detectFps: 5,
      sourceUrl: `file://${videoPath}`,
    });
    // 30 frames at 5 fps: the backlog is full after about 6 s of pulling.
    await waitFor(async () => (await refusedFrom('pull')) >= 1, {
      timeoutMs: 25_000,
      intervalMs: 250,
      what: 'a pulled frame refused as backlog_full',
    });
    const published = () => counter('sightline_ingest_frames_published_total', { source: 'pull' });
    const before = await published();
    expect(before).toBe(BACKLOG);
    const drain = await startFrameDrain(ingest.runtime.js);
    try {
      await waitFor(async () => (await published()) > before, {
        timeoutMs: 15_000,
        what: 'pulled frames again',
      });
    } finally {
      await drain.stop();
      await ingest.control.deleteDevice(t.tenantId, device.deviceId);
    }
  });
});
