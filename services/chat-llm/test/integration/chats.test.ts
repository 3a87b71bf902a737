import { compile, ErrorBody } from '@sightline/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, type Harness, startHarness } from './harness.js';

const isErrorBody = compile(ErrorBody);
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

describe('chats over HTTP on real NATS KV', () => {
  it('creates, lists, reads and deletes a chat of the tenant', async () => {
    const created = await api(h, 'POST', '/chats', h.keys.writer, {
      title: 'Door watch',
      deviceIds: [h.devices[0]!.deviceId],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      title: 'Door watch',
      tenantId: h.tenantId,
      deviceIds: [h.devices[0]!.deviceId],
      messages: [],
    });
    const chatId = created.body.chatId as string;

    const listed = await api(h, 'GET', '/chats', h.keys.reader);
    expect(listed.status).toBe(200);
    expect(listed.body.chats.map((c: { chatId: string }) => c.chatId)).toContain(chatId);
    expect(listed.body.chats[0]).not.toHaveProperty('messages');

    expect((await api(h, 'GET', `/chats/${chatId}`, h.keys.reader)).body).toMatchObject({
      chatId,
      title: 'Door watch',
    });
    expect((await api(h, 'DELETE', `/chats/${chatId}`, h.keys.writer)).status).toBe(204);
    expect((await api(h, 'GET', `/chats/${chatId}`, h.keys.reader)).status).toBe(404);
  });

  it("hides another tenant's chat behind a 404", async () => {
    const other = await h.newTenant('globex');
    const theirs = await api(h, 'POST', '/chats', other.writer, {});
    expect(theirs.status).toBe(201);
    const chatId = theirs.body.chatId as string;
    for (const [method, path, body] of [
      ['GET', `/chats/${chatId}`, undefined],
      ['DELETE', `/chats/${chatId}`, undefined],
      ['POST', `/chats/${chatId}/messages`, { prompt: 'how many people now?' }],
    ] as const) {
      const res = await api(h, method, path, h.keys.writer, body);
      expect(res.status).toBe(404);
      expect(isErrorBody.check(res.body)).toBe(true);
    }
    const mine = await api(h, 'GET', '/chats', h.keys.writer);
    expect(mine.body.chats.map((c: { chatId: string }) => c.chatId)).not.toContain(chatId);
    // A device of another tenant cannot scope a chat either.
    const foreignDevice = await h.control.createDevice(other.tenantId, { name: 'Theirs' });
    expect(
      (await api(h, 'POST', '/chats', h.keys.writer, { deviceIds: [foreignDevice.deviceId] })).status,
    ).toBe(404);
  });

  it('answers bad requests with the JSON error body and the right status', async () => {
    const chat = (await api(h, 'POST', '/chats', h.keys.writer, {})).body;
    const cases: [string, string, string | undefined, unknown, number][] = [
      ['POST', '/chats', undefined, {}, 401],
      ['POST', '/chats', 'sl_0000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', {}, 401],
      ['POST', '/chats', h.keys.reader, {}, 403],
      ['GET', '/chats', h.keys.noScope, undefined, 403],
      ['POST', '/chats', h.keys.writer, '{"title": ', 400],
      ['POST', '/chats', h.keys.writer, { title: 7 }, 400],
      ['POST', '/chats', h.keys.writer, { deviceIds: ['bad id!'] }, 400],
      ['POST', `/chats/${chat.chatId}/messages`, h.keys.writer, { nope: 1 }, 400],
      ['POST', `/chats/${chat.chatId}/messages`, h.keys.writer, { prompt: '' }, 400],
      ['POST', `/chats/${chat.chatId}/messages`, h.keys.reader, { prompt: 'hi' }, 403],
      ['POST', '/chats/does-not-exist/messages', h.keys.writer, { prompt: 'hi' }, 404],
      ['GET', '/chats/..%2Fetc', h.keys.writer, undefined, 404],
    ];
    for (const [method, path, key, body, status] of cases) {
      const res = await api(h, method, path, key, body);
      expect({ method, path, status: res.status }).toEqual({ method, path, status });
      expect(isErrorBody.check(res.body)).toBe(true);
    }
    // Still serving after all that.
    expect((await api(h, 'GET', '/chats', h.keys.writer)).status).toBe(200);
  });
});
