import { type Static, Type } from '@sinclair/typebox';

/** Ids are UUIDs or short slugs; either way a single NATS subject token. */
export const Id = Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' });
export const IsoTime = Type.String({ format: 'date-time' });

export const scopes = [
  'device:read',
  'device:write',
  'analytics:read',
  'frames:write',
  'chat:write',
  'admin',
] as const;
export type Scope = (typeof scopes)[number];
export const ScopeSchema = Type.Union(scopes.map((s) => Type.Literal(s)));

/** x1,y1,x2,y2 in source pixels. */
export const Box = Type.Tuple([Type.Number(), Type.Number(), Type.Number(), Type.Number()]);
export type Box = Static<typeof Box>;

export const ErrorBody = Type.Object(
  {
    error: Type.Object({ code: Type.String(), message: Type.String() }, { additionalProperties: false }),
  },
  { additionalProperties: false },
);
export type ErrorBody = Static<typeof ErrorBody>;
