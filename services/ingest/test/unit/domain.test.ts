import { describe, expect, it } from 'vitest';
import { frameIdFor, isValidClientKey } from '../../src/domain/frame-id.js';
import { qualityOf } from '../../src/domain/health.js';
import { decodeBase64, hasJpegEnd, sniffImage } from '../../src/domain/image-format.js';
import { Pacer } from '../../src/domain/pacer.js';
import { RateLimiter } from '../../src/domain/rate-limiter.js';
import { checkTimestamp } from '../../src/domain/timestamp.js';

describe('Pacer', () => {
  it('admits a 25 fps camera at 5 fps: one frame in five (plus the one-frame jitter allowance)', () => {
    const pacer = new Pacer();
    const admitted = Array.from({ length: 250 }, (_, i) => pacer.admit('d', 5, i * 40)).filter(
      Boolean,
    ).length;
    expect(admitted).toBe(51);
  });
  it('admits every frame of a camera slower than the detect fps, jitter included', () => {
    const pacer = new Pacer();
    const times = [0, 260, 490, 760, 1000, 1240];
    expect(times.map((t) => pacer.admit('d', 4, t)).every(Boolean)).toBe(true);
  });
  it('keeps devices apart', () => {
    const pacer = new Pacer();
    expect([pacer.admit('a', 1, 0), pacer.admit('b', 1, 0), pacer.admit('a', 1, 10)]).toEqual([
      true,
      true,
      false,
    ]);
  });
});

describe('RateLimiter', () => {
  it('allows a minute of burst, then refuses with a Retry-After until a token refills', () => {
    const limiter = new RateLimiter(60);
    const results = Array.from({ length: 61 }, () => limiter.take('k', 0));
    expect(results.filter((r) => r.allowed)).toHaveLength(60);
    expect(results[60]).toEqual({ allowed: false, retryAfterSec: 1 });
    expect(limiter.take('k', 1000).allowed).toBe(true);
    expect(limiter.take('other', 0).allowed).toBe(true);
  });
});

describe('checkTimestamp', () => {
  const limits = { maxFutureMs: 60_000, maxAgeMs: 3600_000 };
  const now = 1_700_000_000_000;
  it('defaults to now, accepts ms and seconds, refuses nonsense', () => {
    expect(checkTimestamp(undefined, now, limits)).toEqual({ ok: true, capturedAt: now });
    expect(checkTimestamp(now - 5, now, limits)).toEqual({ ok: true, capturedAt: now - 5 });
    expect(checkTimestamp(String((now - 2000) / 1000), now, limits)).toEqual({
      ok: true,
      capturedAt: now - 2000,
    });
    expect(checkTimestamp(now + 120_000, now, limits).ok).toBe(false);
    expect(checkTimestamp(now - 7200_000, now, limits).ok).toBe(false);
    expect(checkTimestamp('yesterday', now, limits).ok).toBe(false);
    expect(checkTimestamp(-1, now, limits).ok).toBe(false);
  });
});

describe('image bytes', () => {
  it('sniffs JPEG and PNG by magic bytes only', () => {
    expect(sniffImage(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('jpeg');
    expect(sniffImage(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).toBe('png');
    expect(sniffImage(Buffer.from('GIF89a'))).toBeUndefined();
    expect(sniffImage(Buffer.alloc(0))).toBeUndefined();
  });
  it('finds the JPEG end marker', () => {
    expect(hasJpegEnd(Buffer.from([0xff, 0xd8, 0xff, 1, 2, 0xff, 0xd9]))).toBe(true);
    expect(hasJpegEnd(Buffer.from([0xff, 0xd8, 0xff, 1, 2, 3, 4]))).toBe(false);
  });
  it('decodes strict base64 and data URLs, refuses the rest', () => {
    expect(decodeBase64('aGVsbG8=')?.toString()).toBe('hello');
    expect(decodeBase64('data:image/jpeg;base64,aGVsbG8=')?.toString()).toBe('hello');
    expect(decodeBase64('aGVsbG8')?.toString()).toBe('hello');
    expect(decodeBase64('a')).toBeUndefined();
    expect(decodeBase64('aGVs bG8=')).toBeUndefined();
    expect(decodeBase64('%%%%')).toBeUndefined();
  });
});

describe('frame ids', () => {
  it('maps a retry to the same id, and two tenants with the same key to different ids', () => {
    expect(frameIdFor('t1', 'd', 'k')).toBe(frameIdFor('t1', 'd', 'k'));
    expect(frameIdFor('t1', 'd', 'k')).not.toBe(frameIdFor('t2', 'd', 'k'));
    expect(frameIdFor('t1', 'd', undefined)).not.toBe(frameIdFor('t1', 'd', undefined));
    expect(frameIdFor('t1', 'd', 'k')).toMatch(/^[0-9a-f]{32}$/);
    expect(isValidClientKey('abc-123')).toBe(true);
    expect(isValidClientKey('a b')).toBe(false);
  });
});

describe('connection quality rule', () => {
  const base = {
    lastFrameAgeSec: 0.2,
    detectFps: 5,
    targetFps: 5,
    recentReconnects: 0,
    pullDisconnected: false,
  };
  it('grades by frame age, fps ratio and reconnects', () => {
    expect(qualityOf(base)).toBe('excellent');
    expect(qualityOf({ ...base, detectFps: 4 })).toBe('fair');
    expect(qualityOf({ ...base, recentReconnects: 1 })).toBe('fair');
    expect(qualityOf({ ...base, detectFps: 2 })).toBe('poor');
    expect(qualityOf({ ...base, lastFrameAgeSec: 4 })).toBe('poor');
    expect(qualityOf({ ...base, recentReconnects: 3 })).toBe('poor');
    expect(qualityOf({ ...base, lastFrameAgeSec: 12 })).toBe('unusable');
    expect(qualityOf({ ...base, lastFrameAgeSec: null })).toBe('unusable');
    expect(qualityOf({ ...base, pullDisconnected: true })).toBe('unusable');
  });
});

describe('JpegSplitter', () => {
  it('splits concatenated JPEGs across arbitrary chunk boundaries and drops garbage between them', async () => {
    const { JpegSplitter } = await import('../../src/domain/jpeg-splitter.js');
    const a = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0xff, 0xd9]);
    const b = Buffer.from([0xff, 0xd8, 0xff, 0xdb, 9, 0xff, 0x00, 0xff, 0xd9]);
    const stream = Buffer.concat([Buffer.from([7, 7]), a, b, Buffer.from([0xff, 0xd8])]);
    for (const size of [1, 2, 3, 5, stream.length]) {
      const splitter = new JpegSplitter(1024);
      const frames: Buffer[] = [];
      for (let i = 0; i < stream.length; i += size)
        frames.push(...splitter.push(stream.subarray(i, i + size)));
      expect(frames).toEqual([a, b]);
    }
  });
});

describe('pull sources', () => {
  it('parses rtsp, http and file sources, looped by default', async () => {
    const { parsePullSource, backoffMs } = await import('../../src/domain/pull-source.js');
    expect(parsePullSource('rtsp://cam/1')).toMatchObject({
      kind: 'rtsp',
      inputArgs: ['-rtsp_transport', 'tcp', '-timeout', '5000000'],
    });
    expect(parsePullSource('https://cam/mjpg')).toMatchObject({ kind: 'http', input: 'https://cam/mjpg' });
    expect(parsePullSource('file:///v/a%20b.mp4')).toEqual({
      kind: 'file',
      input: '/v/a b.mp4',
      inputArgs: ['-re', '-stream_loop', '-1'],
      loop: true,
    });
    expect(parsePullSource('/v/a.mp4?loop=0')).toEqual({
      kind: 'file',
      input: '/v/a.mp4',
      inputArgs: ['-re'],
      loop: false,
    });
    expect(parsePullSource('ftp://x')).toBeUndefined();
    expect(parsePullSource('relative.mp4')).toBeUndefined();
    expect([0, 1, 2, 10].map((a) => backoffMs(a, 500, 30_000, () => 0.5))).toEqual([500, 1000, 2000, 30_000]);
  });
});

describe('jpegDimensions', () => {
  it('reads the same size as sharp from every real JPEG in the data dir, and refuses garbage', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const { dataPath } = await import('@sightline/testing');
    const sharp = (await import('sharp')).default;
    const { jpegDimensions } = await import('../../src/domain/image-format.js');
    const dir = dataPath('images');
    const files = readdirSync(dir).filter((f) => f.endsWith('.jpg'));
    expect(files.length).toBeGreaterThan(3);
    for (const f of files) {
      const bytes = readFileSync(`${dir}/${f}`);
      const meta = await sharp(bytes).metadata();
      expect(jpegDimensions(bytes)).toEqual({ width: meta.width, height: meta.height });
    }
    const progressive = await sharp(readFileSync(`${dir}/${files[0]}`))
      .resize(321, 123)
      .jpeg({ progressive: true })
      .toBuffer();
    expect(jpegDimensions(progressive)).toEqual({ width: 321, height: 123 });
    expect(jpegDimensions(Buffer.from([0xff, 0xd8, 0xff, 0xda, 0, 4, 0, 0, 0, 0, 0, 0]))).toBeUndefined();
    expect(jpegDimensions(Buffer.from([0xff, 0xd8, 0x00, 0x01, 2, 3, 4, 5, 6, 7, 8, 9]))).toBeUndefined();
  });
});
