import type { ControlPlane, RequestAuth } from '@sightline/auth';
import type { ServiceRuntime } from '@sightline/service-kit';
import type { IngestConfig } from './config.js';
import type { DeviceCache } from './domain/device-cache.js';
import type { FrameIntake } from './domain/frame-intake.js';
import type { HealthRegistry } from './domain/health-registry.js';
import type { RateLimiter } from './domain/rate-limiter.js';
import type { IngestMetrics } from './metrics.js';

/** What every handler needs, built once in app.ts. */
export interface IngestContext {
  runtime: ServiceRuntime;
  config: IngestConfig;
  control: ControlPlane;
  /** API key header first, else the dashboard's session cookie (opened at the gateway) with its CSRF check. */
  auth: RequestAuth;
  intake: FrameIntake;
  health: HealthRegistry;
  rateLimiter: RateLimiter;
  metrics: IngestMetrics;
  devices: DeviceCache;
}
