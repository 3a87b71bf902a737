import { type Static, Type } from '@sinclair/typebox';
import { Id, ScopeSchema } from './common.js';

export const Tenant = Type.Object(
  {
    tenantId: Id,
    name: Type.String({ minLength: 1, maxLength: 128 }),
    createdAt: Type.Number(),
  },
  { additionalProperties: false },
);
export type Tenant = Static<typeof Tenant>;

/** What the `api_keys` bucket stores: never the secret, only its SHA-256. */
export const ApiKeyRecord = Type.Object(
  {
    keyId: Id,
    tenantId: Id,
    /** The "user" of seed 000's per-user limits. */
    owner: Type.String({ minLength: 1, maxLength: 128 }),
    name: Type.String({ maxLength: 128 }),
    scopes: Type.Array(ScopeSchema),
    hash: Type.String({ pattern: '^[0-9a-f]{64}$' }),
    createdAt: Type.Number(),
    expiresAt: Type.Optional(Type.Number()),
    revokedAt: Type.Optional(Type.Number()),
  },
  { additionalProperties: false },
);
export type ApiKeyRecord = Static<typeof ApiKeyRecord>;

export const Device = Type.Object(
  {
    deviceId: Id,
    tenantId: Id,
    name: Type.String({ minLength: 1, maxLength: 128 }),
    labels: Type.Array(Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }), { maxItems: 32 }),
    sourceUrl: Type.Optional(Type.String({ maxLength: 2048 })),
    detectFps: Type.Number({ exclusiveMinimum: 0, maximum: 60 }),
    privacyMode: Type.Boolean(),
    sceneId: Id,
    createdAt: Type.Number(),
    updatedAt: Type.Number(),
  },
  { additionalProperties: false },
);
export type Device = Static<typeof Device>;

/**
 * A browser cookie session as KV `web_sessions` stores it (keyed by the SHA-256 of the session
 * id, never the id itself). It names the API key it was opened with, so each use re-checks that
 * key: revoking or expiring the key ends its sessions.
 */
export const WebSession = Type.Object(
  {
    tenantId: Id,
    keyId: Id,
    createdAt: Type.Number(),
    expiresAt: Type.Number(),
  },
  { additionalProperties: false },
);
export type WebSession = Static<typeof WebSession>;
