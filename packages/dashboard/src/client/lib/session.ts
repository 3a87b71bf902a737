import { errorFromResponse } from './http.js';

/** Who the cookie session acts as (`/api/v1/sessions` answers): never the key, never the session id. */
export interface SessionInfo {
  tenantId: string;
  keyId: string;
  owner: string;
  scopes: string[];
  /** Unix ms */
  expiresAt: number;
}

const sessionPath = '/api/v1/sessions';
/** Where an earlier version kept the key; removed so no key lingers in this tab. */
const legacyKeyStorage = 'sightline.apiKey';

/**
 * Sign-in is a cookie session: the key is sent once, in a header, to open it; the gateway answers
 * with an HttpOnly cookie that every later fetch, EventSource and WebSocket carries by itself.
 * The key is not kept anywhere in the browser afterwards.
 */
export const session = {
  /** Open a session with this key; throws ApiCallError (401: the key was refused). */
  async open(key: string): Promise<SessionInfo> {
    const res = await fetch(sessionPath, {
      method: 'POST',
      headers: { authorization: `Bearer ${key.trim()}`, 'content-type': 'application/json' },
      body: '{}',
      credentials: 'same-origin',
    });
    if (!res.ok) throw await errorFromResponse(res);
    return (await res.json()) as SessionInfo;
  },

  /** The live session, or undefined when there is none (no cookie, expired, key revoked). */
  async current(): Promise<SessionInfo | undefined> {
    const res = await fetch(`${sessionPath}/current`, { credentials: 'same-origin' });
    if (res.status === 401) return undefined;
    if (!res.ok) throw await errorFromResponse(res);
    return (await res.json()) as SessionInfo;
  },

  /** Sign out on the server (every replica) and drop the cookie; best effort when offline. */
  async close(): Promise<void> {
    await fetch(`${sessionPath}/current`, { method: 'DELETE', credentials: 'same-origin' }).catch(() => {});
  },

  forgetLegacyKey(): void {
    sessionStorage.removeItem(legacyKeyStorage);
  },
};
