import { WebSessions } from '@sightline/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness.js';

let h: Harness;
let cookie: { cookie: string };

/** The gateway opens sessions (POST /api/v1/sessions); chat only reads them, so open one as it would. */
beforeAll(async () => {
  h = await startHarness({ CORS_ORIGINS: 'https://ops.example.com' });
  const principal = await h.control.verifyApiKey(h.keys.writer);
  const sessions = await WebSessions.open(h.runtime.nc);
  const { sessionId } = await sessions.create(principal!, 60_000);
  cookie = { cookie: `__Host-sl_session=${sessionId}` };
});

afterAll(async () => h?.stop());

const createChat = (headers: Record<string, string>) =>
  fetch(`${h.url}/chats`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ title: 'by cookie' }),
  });

describe("the dashboard's cookie session at chat-llm", () => {
  it('reads with the cookie alone, and writes only from its own origin or CORS_ORIGINS', async () => {
    expect((await fetch(`${h.url}/chats`, { headers: cookie })).status).toBe(200);
    expect((await createChat({ ...cookie, origin: h.url })).status).toBe(201);
    expect((await createChat({ ...cookie, origin: 'https://ops.example.com' })).status).toBe(201);
    const foreignOrNone: Record<string, string>[] = [{ origin: 'https://evil.example' }, {}];
    for (const origin of foreignOrNone) {
      const refused = await createChat({ ...cookie, ...origin });
      expect(refused.status).toBe(403);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('forbidden');
    }
  });

  it('answers an unknown or garbage cookie with a JSON 401', async () => {
    for (const value of ['garbage', `ss_${'A'.repeat(43)}`]) {
      const res = await fetch(`${h.url}/chats`, { headers: { cookie: `__Host-sl_session=${value}` } });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    }
  });
});
