import { readFileSync } from 'node:fs';
import { subjects } from '@sightline/contracts';
import { dataPath } from '@sightline/testing';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTenant,
  type IngestUnderTest,
  readFrames,
  startIngest,
  type TenantFixture,
} from './harness.js';

const dog = readFileSync(dataPath('images', 'darknet_dog.jpg'));

describe('bad input gets the right status and a JSON error, and nothing is published', () => {
  let ingest: IngestUnderTest;
  let t: TenantFixture;
  let other: TenantFixture;
  let readOnly: TenantFixture;

  beforeAll(async () => {
    // A small frame limit keeps the 413 request small.
    ingest = await startIngest({ PACING: 'off', MAX_FRAME_BYTES: String(256 * 1024) });
    t = await createTenant(ingest.control);
    other = await createTenant(ingest.control);
    readOnly = await createTenant(ingest.control, { scopes: ['device:read'] });
  });
  afterAll(() => ingest?.stop());

  const raw = (deviceId: string, body: Buffer | string, headers: Record<string, string>) =>
    fetch(`${ingest.url}/api/v1/devices/${deviceId}/frames`, { method: 'POST', headers, body });
  const json = (body: string, key = t.key, contentType = 'application/json') =>
    fetch(`${ingest.url}/api/v1/actions/actions/send`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': contentType },
      body,
    });
  const jpegHeaders = (key = t.key) => ({ authorization: `Bearer ${key}`, 'content-type': 'image/jpeg' });
  const push = (frame: string, cameraId = t.deviceId) =>
    JSON.stringify({ frame, camera_id: cameraId, timestamp: Date.now() });

  async function expectError(res: Response, status: number, code: string) {
    expect(res.status).toBe(status);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe(code);
    expect(body.error.message.length).toBeGreaterThan(0);
  }

  it('raw route: 401 without a key, 401 with a wrong key, 403 without frames:write', async () => {
    await expectError(await raw(t.deviceId, dog, { 'content-type': 'image/jpeg' }), 401, 'unauthorized');
    await expectError(
      await raw(
        t.deviceId,
        dog,
        jpegHeaders('sl_0000000000000000_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'),
      ),
      401,
      'unauthorized',
    );
    await expectError(await raw(readOnly.deviceId, dog, jpegHeaders(readOnly.key)), 403, 'forbidden');
  });

  it("raw route: another tenant's device answers 404 exactly like an unknown one", async () => {
    const foreign = await raw(other.deviceId, dog, jpegHeaders());
    const unknown = await raw('no-such-device', dog, jpegHeaders());
    await expectError(foreign.clone(), 404, 'not_found');
    await expectError(unknown.clone(), 404, 'not_found');
    const strip = (text: string) => text.replaceAll(other.deviceId, 'X').replaceAll('no-such-device', 'X');
    expect(strip(await foreign.text())).toBe(strip(await unknown.text()));
  });

  it('a camera still uploading a body far over the limit reads its 413, never a broken pipe', async () => {
    // Far larger than the socket buffers: the answer comes while the client is still writing.
    const huge = Buffer.concat([dog, Buffer.alloc(900 * 1024)]);
    for (let i = 0; i < 5; i++) {
      await expectError(await raw(t.deviceId, huge, jpegHeaders()), 413, 'payload_too_large');
      await expectError(
        await json(JSON.stringify({ camera_id: t.deviceId, frame: 'A'.repeat(900 * 1024) })),
        413,
        'payload_too_large',
      );
    }
  });

  it('raw route: 415 for other content types and non-image bytes; 413 above the limit; 400 for a truncated JPEG', async () => {
    await expectError(
      await raw(t.deviceId, 'hello', { ...jpegHeaders(), 'content-type': 'text/plain' }),
      415,
      'unsupported_media_type',
    );
    await expectError(
      await raw(t.deviceId, '{"a":1}', { ...jpegHeaders(), 'content-type': 'application/json' }),
      415,
      'unsupported_media_type',
    );
    await expectError(
      await raw(t.deviceId, Buffer.from('GIF89a-not-a-jpeg'), jpegHeaders()),
      415,
      'unsupported_media_type',
    );
    const big = Buffer.concat([dog, Buffer.alloc(300 * 1024)]);
    await expectError(await raw(t.deviceId, big, jpegHeaders()), 413, 'payload_too_large');
    await expectError(
      await raw(t.deviceId, dog.subarray(0, dog.length / 2), jpegHeaders()),
      400,
      'bad_request',
    );
  });

  it('raw route: 400 for bad dimensions, a timestamp in the future, and a malformed Idempotency-Key', async () => {
    const tiny = await sharp(dog).resize(8, 8).jpeg().toBuffer();
    await expectError(await raw(t.deviceId, tiny, jpegHeaders()), 400, 'bad_request');
    const future = String(Date.now() + 3600_000);
    await expectError(
      await raw(t.deviceId, dog, { ...jpegHeaders(), 'x-frame-timestamp': future }),
      400,
      'bad_request',
    );
    await expectError(
      await raw(t.deviceId, dog, { ...jpegHeaders(), 'idempotency-key': 'has space' }),
      400,
      'bad_request',
    );
  });

  it('JSON route: 400 malformed JSON / bad base64 / missing fields, 415 non-JPEG frame, 404 foreign camera, 413, 401, 403', async () => {
    await expectError(await json('{"frame": "abc'), 400, 'bad_request');
    await expectError(await json(push('%%%not base64%%%')), 400, 'bad_request');
    await expectError(await json(JSON.stringify({ frame: dog.toString('base64') })), 400, 'bad_request');
    await expectError(
      await json(push(Buffer.from('plain text, not an image').toString('base64'))),
      415,
      'unsupported_media_type',
    );
    await expectError(await json(push(dog.toString('base64'), other.deviceId)), 404, 'not_found');
    await expectError(
      await json(push(Buffer.alloc(300 * 1024, 1).toString('base64'))),
      413,
      'payload_too_large',
    );
    await expectError(
      await json(push(dog.toString('base64')), t.key, 'text/plain'),
      415,
      'unsupported_media_type',
    );
    const noKey = await fetch(`${ingest.url}/api/v1/actions/actions/send`, {
      method: 'POST',
      body: push('abcd'),
    });
    await expectError(noKey, 401, 'unauthorized');
    await expectError(
      await json(push(dog.toString('base64'), readOnly.deviceId), readOnly.key),
      403,
      'forbidden',
    );
  });

  it('published nothing for any of it, counted every refusal by reason, and is still healthy', async () => {
    const msgs = await readFrames(ingest.runtime.js, subjects.frames(t.tenantId, t.deviceId), 1, 1000);
    expect(msgs).toHaveLength(0);
    const metrics = await (await fetch(`${ingest.url}/metrics`)).text();
    for (const reason of [
      'not_an_image',
      'too_large',
      'truncated',
      'bad_dimensions',
      'bad_timestamp',
      'bad_base64',
      'unauthorized',
      'forbidden',
      'not_found',
      'content_type',
    ]) {
      expect(metrics).toMatch(
        new RegExp(`sightline_ingest_requests_rejected_total\\{[^}]*reason="${reason}"`),
      );
    }
    expect((await fetch(`${ingest.url}/healthz`)).status).toBe(200);
  });
});
