import { readFileSync } from 'node:fs';
import { type AnalysisResult, errorCodes } from '@sightline/contracts';
import type { NatsConnection } from '@sightline/nats';
import { dataPath, type RunningStack } from '@sightline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bus, makeTenant, openBus, readSse, startServices, type TenantFixture } from './support.js';

/** darknet_dog.jpg as documented in shared/models/README.md: x1, y1, x2, y2. */
const expected = {
  dog: [133, 207, 325, 542],
  car: [467, 78, 692, 172],
  bicycle: [46, 132, 572, 431],
} as const;

let bus: Bus;
let nc: NatsConnection;
let stack: RunningStack;
let a: TenantFixture;
let b: TenantFixture;
const dogJpeg = readFileSync(dataPath('images', 'darknet_dog.jpg'));

beforeAll(async () => {
  // With a local nats-server, run under the shipped accounts: each service as its own NATS user,
  // limited to its subjects, exactly as deployed. Else (NATS_URL) whatever that server allows.
  bus = await openBus('e2e');
  nc = bus.nc;
  a = await makeTenant(nc, 'alpha');
  b = await makeTenant(nc, 'beta');
  stack = await startServices(bus, 'info');
});

afterAll(async () => {
  await stack?.stop();
  await bus?.close();
});

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

describe('one real frame from camera to SSE and chat', () => {
  it('a posted JPEG becomes an analysis_result with the known objects, then chat answers from it', async () => {
    const gateway = stack.urls['stream-gateway'];
    const sse = await fetch(`${gateway}/api/v1/devices/${a.deviceId}/analysis/stream`, {
      headers: bearer(a.keys.readOnly),
    });
    expect(sse.status).toBe(200);
    expect(sse.headers.get('content-type')).toContain('text/event-stream');
    const eventsPromise = readSse(sse, (events) => events.some((e) => e.event === 'analysis_result'));

    const post = await fetch(`${stack.urls.ingest}/api/v1/devices/${a.deviceId}/frames`, {
      method: 'POST',
      headers: { ...bearer(a.keys.framesOnly), 'content-type': 'image/jpeg' },
      body: dogJpeg,
    });
    expect(post.status).toBe(202);
    const { frameId } = (await post.json()) as { frameId: string };

    const events = await eventsPromise;
    const event = events.find((e) => e.event === 'analysis_result')!;
    expect(event.id).toMatch(/^[A-Za-z0-9_-]+-\d+$/);
    const result = JSON.parse(event.data) as AnalysisResult;
    expect(result.deviceId).toBe(a.deviceId);
    expect(result.frameId).toBe(frameId);
    expect(Date.parse(result.timestamp)).not.toBeNaN();
    for (const [label, [x1, y1, x2, y2]] of Object.entries(expected)) {
      const found = result.detections.find((d) => d.type === label);
      expect(found, `${label} detected`).toBeDefined();
      const box = found!.boundingBox!;
      expect(Math.abs(box.x - x1)).toBeLessThanOrEqual(3);
      expect(Math.abs(box.y - y1)).toBeLessThanOrEqual(3);
      expect(Math.abs(box.x + box.width - x2)).toBeLessThanOrEqual(3);
      expect(Math.abs(box.y + box.height - y2)).toBeLessThanOrEqual(3);
      expect(found!.confidence).toBeGreaterThan(0.7);
    }

    const chatUrl = stack.urls['chat-llm'];
    const chat = await fetch(`${chatUrl}/chats`, {
      method: 'POST',
      headers: { ...bearer(a.keys.all), 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'e2e' }),
    });
    expect(chat.status).toBe(201);
    const { chatId } = (await chat.json()) as { chatId: string };
    const answer = await fetch(`${chatUrl}/chats/${chatId}/messages`, {
      method: 'POST',
      headers: { ...bearer(a.keys.all), 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: `How many people are in front of camera ${a.deviceName} now?` }),
    });
    expect(answer.status).toBe(200);
    const chunks = await readSse(answer, (evs) => evs.some((e) => JSON.parse(e.data).type !== 'chunk'));
    const parsed = chunks.map((e) => JSON.parse(e.data) as { type: string; text?: string });
    expect(parsed.at(-1)).toEqual({ type: 'done' });
    expect(parsed.filter((p) => p.type === 'chunk').length).toBeGreaterThan(1);
    const text = parsed.map((p) => p.text ?? '').join('');
    // The dog image has no person: the analyst must say 0, from the real analysis.
    expect(text).toMatch(/\b0\b/);
  });
});

describe('bad input on the public routes', () => {
  const jpegPost = (deviceId: string, key: string | undefined, body: Buffer | string, type = 'image/jpeg') =>
    fetch(`${stack.urls.ingest}/api/v1/devices/${deviceId}/frames`, {
      method: 'POST',
      headers: { ...(key ? bearer(key) : {}), 'content-type': type },
      body,
    });
  const jsonPost = (key: string, body: string) =>
    fetch(`${stack.urls.ingest}/api/v1/actions/actions/send`, {
      method: 'POST',
      headers: { ...bearer(key), 'content-type': 'application/json' },
      body,
    });

  const cases: Array<[string, () => Promise<Response>, number, string]> = [
    // name, request, expected status, expected error code
    [
      'non-JPEG body',
      () => jpegPost(a.deviceId, a.keys.framesOnly, Buffer.from('GIF89a not a jpeg')),
      415,
      errorCodes.unsupportedMediaType,
    ],
    [
      'wrong content type',
      () => jpegPost(a.deviceId, a.keys.framesOnly, 'hello', 'text/plain'),
      415,
      errorCodes.unsupportedMediaType,
    ],
    ['malformed JSON', () => jsonPost(a.keys.framesOnly, '{"frame": '), 400, errorCodes.badRequest],
    [
      'bad base64',
      () => jsonPost(a.keys.framesOnly, JSON.stringify({ frame: '!!!not base64!!!', camera_id: a.deviceId })),
      400,
      errorCodes.badRequest,
    ],
    ['missing key', () => jpegPost(a.deviceId, undefined, dogJpeg), 401, errorCodes.unauthorized],
    [
      'key without the scope',
      () => jpegPost(a.deviceId, a.keys.readOnly, dogJpeg),
      403,
      errorCodes.forbidden,
    ],
    [
      "another tenant's device",
      () => jpegPost(b.deviceId, a.keys.framesOnly, dogJpeg),
      404,
      errorCodes.notFound,
    ],
    [
      'oversized frame',
      () => jpegPost(a.deviceId, a.keys.framesOnly, Buffer.concat([dogJpeg, Buffer.alloc(9 * 1024 * 1024)])),
      413,
      errorCodes.payloadTooLarge,
    ],
    [
      'SSE without a key',
      () => fetch(`${stack.urls['stream-gateway']}/api/v1/devices/${a.deviceId}/analysis/stream`),
      401,
      errorCodes.unauthorized,
    ],
    [
      'SSE with a frames-only key',
      () =>
        fetch(`${stack.urls['stream-gateway']}/api/v1/devices/${a.deviceId}/analysis/stream`, {
          headers: bearer(a.keys.framesOnly),
        }),
      403,
      errorCodes.forbidden,
    ],
    [
      "SSE on another tenant's device",
      () =>
        fetch(`${stack.urls['stream-gateway']}/api/v1/devices/${b.deviceId}/analysis/stream`, {
          headers: bearer(a.keys.readOnly),
        }),
      404,
      errorCodes.notFound,
    ],
    [
      'chat without a key',
      () => fetch(`${stack.urls['chat-llm']}/chats`, { method: 'POST' }),
      401,
      errorCodes.unauthorized,
    ],
  ];

  const table = cases.map(([name, request, status, code]) => ({ name, request, status, code }));
  it.each(table)('$name → $status with the JSON error body', async ({ request, status, code }) => {
    const res = await request();
    expect(res.status).toBe(status);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe(code);
    expect(body.error.message.length).toBeGreaterThan(0);
  });

  it('an unknown device answers exactly like another tenant’s device', async () => {
    const other = await jpegPost(b.deviceId, a.keys.framesOnly, dogJpeg);
    const missing = await jpegPost('no-such-device', a.keys.framesOnly, dogJpeg);
    expect(missing.status).toBe(other.status);
    const [x, y] = [
      (await other.json()) as { error: { message: string } },
      (await missing.json()) as { error: { message: string } },
    ];
    expect(x.error.message.replace(b.deviceId, 'ID')).toBe(y.error.message.replace('no-such-device', 'ID'));
  });

  it('every service is still running and ready', async () => {
    for (const [name, url] of Object.entries(stack.urls)) {
      const res = await fetch(`${url}/readyz`);
      expect(res.status, name).toBe(200);
    }
  });
});

describe('one public origin', () => {
  it('the gateway forwards frames to ingest and streams chat answers from chat-llm', async () => {
    const gateway = stack.urls['stream-gateway'];
    const post = await fetch(`${gateway}/api/v1/devices/${a.deviceId}/frames`, {
      method: 'POST',
      headers: { ...bearer(a.keys.framesOnly), 'content-type': 'image/jpeg' },
      body: dogJpeg,
    });
    expect(post.status).toBe(202);
    expect(((await post.json()) as { frameId: string }).frameId).toBeTruthy();
    const refused = await fetch(`${gateway}/api/v1/devices/${a.deviceId}/frames`, {
      method: 'POST',
      headers: { ...bearer(a.keys.framesOnly), 'content-type': 'text/plain' },
      body: 'nope',
    });
    expect(refused.status).toBe(415);

    const chat = await fetch(`${gateway}/chats`, {
      method: 'POST',
      headers: { ...bearer(a.keys.all), 'content-type': 'application/json' },
      body: JSON.stringify({}),
    });
    expect(chat.status).toBe(201);
    const { chatId } = (await chat.json()) as { chatId: string };
    const answer = await fetch(`${gateway}/chats/${chatId}/messages`, {
      method: 'POST',
      headers: { ...bearer(a.keys.all), 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: '現在大門攝影機前有多少人？' }),
    });
    expect(answer.headers.get('content-type')).toContain('text/event-stream');
    const events = await readSse(answer, (evs) => evs.some((e) => JSON.parse(e.data).type !== 'chunk'));
    expect(JSON.parse(events.at(-1)!.data).type).toMatch(/^(done|error)$/);
    expect(events.length).toBeGreaterThan(1);
  });
});

describe('secrets never reach the logs', () => {
  it('no service logged an API key or a stream ticket during the whole flow', async () => {
    const gateway = stack.urls['stream-gateway'];
    const issued = await fetch(`${gateway}/api/v1/stream-tickets`, {
      method: 'POST',
      headers: bearer(a.keys.readOnly),
    });
    expect(issued.status).toBe(201);
    const { ticket } = (await issued.json()) as { ticket: string };
    const sse = await fetch(
      `${gateway}/api/v1/devices/${a.deviceId}/analysis/stream?ticket=${encodeURIComponent(ticket)}`,
    );
    expect(sse.status).toBe(200);
    await sse.body?.cancel();
    // A refused key is a secret too (a typo of a real one).
    const wrongKey = `${a.keys.all.slice(0, -4)}AAAA`;
    expect((await fetch(`${gateway}/api/v1/devices`, { headers: bearer(wrongKey) })).status).toBe(401);
    await new Promise((r) => setTimeout(r, 300));

    const secrets = [...Object.values(a.keys), ...Object.values(b.keys), ticket, wrongKey];
    const logged = Object.entries(stack.logs).flatMap(([service, lines]) =>
      lines.map((line) => ({ service, line })),
    );
    expect(logged.length).toBeGreaterThan(10);
    for (const secret of secrets) {
      const secretPart = secret.slice(-20);
      const leaks = logged.filter(({ line }) => line.includes(secretPart)).map(({ service }) => service);
      expect(leaks, 'services that logged a secret').toEqual([]);
    }
  });
});
