import { type Static, Type } from '@sinclair/typebox';
import { Id } from './common.js';

/** One control-plane change on AUDIT (`audit.<tenant>.<resource>`): who did what to which, when. */
export const AuditEntry = Type.Object(
  {
    auditId: Id,
    tenantId: Id,
    /** Key id and owner of the API key (or `cli`) that made the change. */
    actor: Type.Object({ keyId: Type.String(), owner: Type.String() }, { additionalProperties: false }),
    action: Type.String({ pattern: '^[a-z_]+\\.[a-z_]+$' }),
    resource: Type.String({ pattern: '^[a-z_]+$' }),
    resourceId: Type.String(),
    at: Type.Number(),
    /** Which fields changed, never their secret values. */
    changes: Type.Optional(Type.Array(Type.String(), { maxItems: 64 })),
  },
  { additionalProperties: false },
);
export type AuditEntry = Static<typeof AuditEntry>;
