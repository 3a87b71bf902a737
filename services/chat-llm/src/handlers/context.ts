import type { ControlPlane, RequestAuth } from '@sightline/auth';
import type { ChatStore } from '../adapters/chat-store.js';
import type { ChatConfig } from '../config.js';
import type { ConcurrencyLimiter, RateLimiter } from '../domain/limits.js';
import type { DirectoryPort } from '../domain/ports.js';
import type { TurnDeps, TurnRecord } from '../domain/turn.js';
import type { ChatMetrics } from '../metrics.js';

/** What the route handlers share; built once in app.ts. */
export interface HandlerContext {
  config: ChatConfig;
  control: ControlPlane;
  /** API key header, or the dashboard's session cookie (opened at the gateway) with its CSRF check. */
  auth: RequestAuth;
  store: ChatStore;
  directory: DirectoryPort;
  turn: TurnDeps;
  rate: RateLimiter;
  streams: ConcurrencyLimiter;
  metrics: ChatMetrics;
  /** Turns streaming now; aborted on shutdown so the HTTP server can close. */
  activeTurns: Set<AbortController>;
  /** Called after each finished turn (tests check grounding against it). */
  onTurn?: (record: TurnRecord) => void;
}
