import { hostname } from 'node:os';
import { WEB_SESSION_MAX_TTL_MS } from '@sightline/contracts';
import { BaseEnv, loadEnv } from '@sightline/service-kit';
import { type Static, Type } from '@sinclair/typebox';

const Ms = (min: number, def: number) => Type.Integer({ minimum: min, default: def });

export const GatewayEnv = Type.Object({
  ...BaseEnv,
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8080 }),
  /** This replica's name in connection slots (KV `sessions`). */
  INSTANCE_ID: Type.String({ minLength: 1, default: `${hostname()}-${process.pid}` }),
  /** Concurrent SSE connections per user (API key owner + tenant), across every replica. */
  SSE_MAX_PER_USER: Type.Integer({ minimum: 1, default: 10 }),
  /** A connection with no event written for this long is closed (seed 000: 300 s). */
  SSE_IDLE_TIMEOUT_MS: Ms(50, 300_000),
  /** Comment line written when nothing else was for this long, so proxies keep the line open. */
  SSE_HEARTBEAT_MS: Ms(50, 15_000),
  /** The `retry:` the stream opens with (seed 000: about 3 s). */
  SSE_RETRY_MS: Ms(0, 3000),
  /** Retry-After of the 429 answered beyond SSE_MAX_PER_USER. */
  SSE_LIMIT_RETRY_AFTER_S: Type.Integer({ minimum: 1, default: 5 }),
  /** Events held for one connection while it replays; beyond it the client is disconnected. */
  SSE_MAX_QUEUED_EVENTS: Type.Integer({ minimum: 1, default: 10_000 }),
  /** Bytes a connection's socket may have unsent; beyond it the client is disconnected (it resumes). */
  SSE_MAX_BUFFERED_BYTES: Type.Integer({ minimum: 1024, default: 4 * 1024 * 1024 }),
  /** A connection slot not refreshed for this long belongs to a dead replica and may be taken. */
  SLOT_TTL_MS: Ms(100, 30_000),
  SLOT_REFRESH_MS: Ms(50, 10_000),
  /** Lifetime of a stream ticket (single use). */
  TICKET_TTL_MS: Ms(1000, 30_000),
  /** Lifetime of a browser cookie session (POST /api/v1/sessions); at most the bucket's 24 h TTL. */
  SESSION_TTL_MS: Type.Integer({ minimum: 60_000, maximum: WEB_SESSION_MAX_TTL_MS, default: 8 * 3_600_000 }),
  /**
   * Mark the session cookie `Secure` (and name it `__Host-sl_session`). Turn off only for a
   * plain-http stack such as the local one on http://127.0.0.1:8080: not every browser keeps a
   * Secure cookie from plain http (Chromium and Firefox do for localhost; others may not).
   */
  SESSION_COOKIE_SECURE: Type.Boolean({ default: true }),
  /** Sessions a key may open a minute, per replica; beyond it 429 + Retry-After. */
  SESSIONS_PER_MINUTE: Type.Integer({ minimum: 1, default: 30 }),
  /**
   * A shared subscription hands its events to its clients (one write each) at most this often.
   * An event after a quiet spell goes out at once, so only a stream busier than one event per
   * interval waits, for at most the interval: at 1,000 clients × 1,000 events/s, 20 ms halves the
   * gateway's CPU and keeps p99 under 50 ms (docs/performance.md). 0: at the end of every turn.
   */
  FANOUT_MIN_BATCH_INTERVAL_MS: Ms(0, 20),
  /** A shared subscription with no client left is kept this long (reconnects reuse it). */
  HUB_LINGER_MS: Ms(0, 5000),
  /** Watched cameras are announced to inference this often (it stops live frames after 3 misses). */
  LIVE_VIEWERS_ANNOUNCE_MS: Ms(50, 5000),
  /** WebSocket: ping interval; a socket that missed a pong by the next ping is closed. */
  WS_PING_MS: Ms(50, 30_000),
  /** WebSocket: time allowed for the first-message auth when the upgrade carried none. */
  WS_AUTH_TIMEOUT_MS: Ms(50, 5000),
  /** WebSocket live frames in flight per socket; beyond it the oldest unsent frame is dropped. */
  WS_MAX_FRAMES_IN_FLIGHT: Type.Integer({ minimum: 1, default: 2 }),
  /** Requests per minute per API key on GET /api/labels (seed 003: 60). */
  LABELS_RATE_PER_MINUTE: Type.Integer({ minimum: 1, default: 60 }),
  /**
   * One public origin without an ingress (the local stack): when set, the gateway forwards
   * /chats/** to chat-llm and the frame routes to ingest. In Kubernetes the Ingress does this.
   */
  CHAT_UPSTREAM_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  INGEST_UPSTREAM_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  /** Outbound webhooks to http:// and private addresses: only for local development. */
  WEBHOOKS_ALLOW_INSECURE: Type.Boolean({ default: false }),
});

export type GatewayConfig = Static<typeof GatewayEnv>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  return loadEnv(GatewayEnv, env);
}
