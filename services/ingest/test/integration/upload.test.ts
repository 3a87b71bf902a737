import { readFileSync } from 'node:fs';
import { subjects } from '@sightline/contracts';
import { dataPath, waitFor } from '@sightline/testing';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, headersOf, type IngestUnderTest, readFrames, startIngest } from './harness.js';

const dog = readFileSync(dataPath('images', 'darknet_dog.jpg'));
const video = readFileSync(dataPath('video', 'vqpy_pedestrian_10s.mp4'));

interface Job {
  jobId: string;
  state: string;
  framesDone: number;
  framesTotal: number;
  progress: number;
}

describe('POST /api/upload (seed 003) and upload jobs', () => {
  let ingest: IngestUnderTest;
  beforeAll(async () => {
    ingest = await startIngest({ UPLOAD_SPEED: '20' });
  });
  afterAll(() => ingest?.stop());

  const upload = (key: string, deviceId: string, bytes: Buffer, filename: string, type: string) => {
    const form = new FormData();
    form.append('file', new Blob([bytes], { type }), filename);
    return fetch(`${ingest.url}/api/upload?deviceId=${deviceId}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}` },
      body: form,
    });
  };
  const getJob = (key: string, jobId: string) =>
    fetch(`${ingest.url}/api/upload/jobs/${jobId}`, { headers: { authorization: `Bearer ${key}` } });

  it('an image becomes one frame with source upload', async () => {
    const t = await createTenant(ingest.control);
    const res = await upload(t.key, t.deviceId, dog, 'dog.jpg', 'image/jpeg');
    expect(res.status).toBe(202);
    const body = (await res.json()) as { kind: string; frameId: string };
    expect(body.kind).toBe('image');
    const [msg] = await readFrames(ingest.runtime.js, subjects.frames(t.tenantId, t.deviceId), 1);
    expect(headersOf(msg!)).toMatchObject({ frameId: body.frameId, source: 'upload', width: '768' });
  });

  it('a real mp4 is decoded by ffmpeg at the detect fps; the job reports progress to done', async () => {
    const t = await createTenant(ingest.control, { detectFps: 2 });
    const res = await upload(t.key, t.deviceId, video, 'pedestrians.mp4', 'video/mp4');
    expect(res.status).toBe(202);
    const started = (await res.json()) as { kind: string; jobId: string; framesTotal: number };
    expect(started.kind).toBe('video');
    expect(started.framesTotal).toBe(21); // ffprobe: 10.024 s × 2 fps, rounded up

    const done = await waitFor(
      async () => {
        const job = (await (await getJob(t.key, started.jobId)).json()) as Job;
        return job.state !== 'running' ? job : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 200, what: 'upload job to finish' },
    );
    expect(done.state).toBe('done');
    expect(done.progress).toBe(1);
    expect(done.framesDone).toBeGreaterThanOrEqual(20);
    expect(done.framesTotal).toBe(done.framesDone);

    const msgs = await readFrames(ingest.runtime.js, subjects.frames(t.tenantId, t.deviceId), 30, 1000);
    expect(msgs).toHaveLength(done.framesDone);
    const first = headersOf(msgs[0]!);
    expect(first).toMatchObject({ source: 'upload', width: '854', height: '480' });
    const meta = await sharp(Buffer.from(msgs[0]!.data)).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 854, 480]);
  });

  it("refuses a non-video as 415, a non-multipart body as 415, a foreign device as 404, and hides other tenants' jobs", async () => {
    const t = await createTenant(ingest.control, { detectFps: 2 });
    const other = await createTenant(ingest.control);
    expect(
      (await upload(t.key, t.deviceId, Buffer.from('not a video at all'), 'x.mp4', 'video/mp4')).status,
    ).toBe(415);
    expect((await upload(t.key, t.deviceId, Buffer.from('plain'), 'notes.txt', 'text/plain')).status).toBe(
      415,
    );
    expect((await upload(t.key, other.deviceId, dog, 'dog.jpg', 'image/jpeg')).status).toBe(404);
    const notMultipart = await fetch(`${ingest.url}/api/upload?deviceId=${t.deviceId}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.key}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(notMultipart.status).toBe(415);

    const res = await upload(t.key, t.deviceId, video, 'v.mp4', 'video/mp4');
    const { jobId } = (await res.json()) as { jobId: string };
    expect((await getJob(t.key, jobId)).status).toBe(200);
    expect((await getJob(other.key, jobId)).status).toBe(404);
    expect((await getJob(t.key, '00000000-0000-0000-0000-000000000000')).status).toBe(404);
  });
});
