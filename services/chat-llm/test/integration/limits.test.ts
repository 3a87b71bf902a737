import { compile, ErrorBody } from '@sightline/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendMessage } from '../fixtures/seed-client.js';
import { api, type Harness, startHarness } from './harness.js';

const isErrorBody = compile(ErrorBody);
let h: Harness;
let chatId: string;
beforeAll(async () => {
  h = await startHarness({ MAX_PROMPT_CHARS: '50', MESSAGES_PER_MINUTE: '3' });
  chatId = (await api(h, 'POST', '/chats', h.keys.writer, {})).body.chatId;
});
afterAll(async () => {
  await h?.stop();
});

describe('limits before the stream starts', () => {
  it('refuses a prompt over MAX_PROMPT_CHARS with 413 and keeps it out of the history', async () => {
    const res = await api(h, 'POST', `/chats/${chatId}/messages`, h.keys.writer, { prompt: 'x'.repeat(51) });
    expect(res.status).toBe(413);
    expect(isErrorBody.check(res.body)).toBe(true);
    expect(res.body.error.code).toBe('payload_too_large');
    const huge = await api(h, 'POST', `/chats/${chatId}/messages`, h.keys.writer, {
      prompt: 'y'.repeat(300_000),
    });
    expect(huge.status).toBe(413);
    expect((await api(h, 'GET', `/chats/${chatId}`, h.keys.writer)).body.messages).toEqual([]);
  });

  it('allows MESSAGES_PER_MINUTE per key, then 429 with Retry-After; other keys are unaffected', async () => {
    for (let i = 0; i < 3; i++) {
      expect((await sendMessage(h.url, h.keys.writer, chatId, 'hello')).finalized).toBe(true);
    }
    const refused = await api(h, 'POST', `/chats/${chatId}/messages`, h.keys.writer, { prompt: 'hello' });
    expect(refused.status).toBe(429);
    expect(isErrorBody.check(refused.body)).toBe(true);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);

    const second = await h.control.createApiKey({
      tenantId: h.tenantId,
      owner: 'someone-else',
      scopes: ['chat:write'],
    });
    expect((await sendMessage(h.url, second.key, chatId, 'hello')).finalized).toBe(true);
    const metrics = await (await fetch(`${h.url}/metrics`)).text();
    expect(metrics).toMatch(/sightline_chat_llm_rejected_total\{reason="rate_limited"[^}]*\} 1/);
    expect(metrics).toMatch(/sightline_chat_llm_rejected_total\{reason="prompt_too_large"[^}]*\} 1/);
  });
});
