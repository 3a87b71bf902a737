import { hostname } from 'node:os';
import { MAX_FRAME_BYTES } from '@sightline/contracts';
import { BaseEnv, loadEnv } from '@sightline/service-kit';
import { type Static, Type } from '@sinclair/typebox';

const Flag = Type.Union([Type.Literal('on'), Type.Literal('off')]);

export const IngestEnv = Type.Object({
  ...BaseEnv,
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8081 }),
  /** Largest frame (decoded JPEG/PNG bytes); the contracts' limit, matching NATS max_payload. */
  MAX_FRAME_BYTES: Type.Integer({ minimum: 1024, maximum: MAX_FRAME_BYTES, default: MAX_FRAME_BYTES }),
  /** Largest decoded image, width × height (8K UHD by default); also sharp's decompression-bomb guard. */
  MAX_FRAME_PIXELS: Type.Integer({ minimum: 1, default: 7680 * 4320 }),
  MIN_FRAME_SIDE: Type.Integer({ minimum: 1, default: 16 }),
  MAX_FRAME_SIDE: Type.Integer({ minimum: 1, default: 8192 }),
  /** Requests per minute per API key, all ingest routes together (token bucket, that burst). */
  RATE_LIMIT_PER_MINUTE: Type.Integer({ minimum: 1, default: 6000 }),
  /** A capture timestamp may be this far in the future (camera clock skew)… */
  TIMESTAMP_MAX_FUTURE_MS: Type.Integer({ minimum: 0, default: 60_000 }),
  /** …and this far in the past. */
  TIMESTAMP_MAX_AGE_MS: Type.Integer({ minimum: 0, default: 24 * 3600_000 }),
  /** How long a device found in KV is trusted (a deleted device may still push this long). */
  DEVICE_CACHE_MS: Type.Integer({ minimum: 0, default: 2000 }),
  /** Pacing to each device's detect fps; `off` only for benchmarks. */
  PACING: Flag,
  /** Frames a WebSocket connection may have in flight before its socket stops being read. */
  WS_MAX_IN_FLIGHT: Type.Integer({ minimum: 1, default: 8 }),
  /** Largest upload (video files). */
  UPLOAD_MAX_BYTES: Type.Integer({ minimum: 1024, default: 512 * 1024 * 1024 }),
  /** Upload playback speed: 1 publishes a video's frames in real time, 4 four times faster. */
  UPLOAD_SPEED: Type.Number({ exclusiveMinimum: 0, maximum: 1000, default: 1 }),
  FFMPEG_PATH: Type.String({ default: '/usr/bin/ffmpeg' }),
  FFPROBE_PATH: Type.String({ default: '/usr/bin/ffprobe' }),
  /** Pull of devices with a source URL; `off` makes this replica push-only. */
  PULL: Flag,
  /** This replica's name in pull leases. */
  INSTANCE_ID: Type.String({ minLength: 1, default: `${hostname()}-${process.pid}` }),
  /** A lease not renewed for this long (as seen by the other replicas) may be taken over. */
  LEASE_TTL_MS: Type.Integer({ minimum: 200, default: 4000 }),
  LEASE_RENEW_MS: Type.Integer({ minimum: 50, default: 1000 }),
  /** A pull source silent this long is killed and reconnected. */
  PULL_STALL_MS: Type.Integer({ minimum: 100, default: 10_000 }),
  PULL_BACKOFF_MIN_MS: Type.Integer({ minimum: 10, default: 500 }),
  PULL_BACKOFF_MAX_MS: Type.Integer({ minimum: 10, default: 30_000 }),
  /** How often per-device health is written to KV `sessions` for the gateway. */
  HEALTH_PUBLISH_MS: Type.Integer({ minimum: 100, default: 5000 }),
  /**
   * The gateway's SESSION_COOKIE_SECURE, so ingest reads the same cookie name (`__Host-sl_session`
   * when true, `sl_session` on a plain-http local stack): the dashboard's camera health comes here.
   */
  SESSION_COOKIE_SECURE: Type.Boolean({ default: true }),
});

// Flags default to "on"; TypeBox defaults on unions need the literal here.
IngestEnv.properties.PACING.default = 'on';
IngestEnv.properties.PULL.default = 'on';

export type IngestConfig = Static<typeof IngestEnv>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): IngestConfig {
  return loadEnv(IngestEnv, env);
}
