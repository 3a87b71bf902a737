import { randomUUID } from 'node:crypto';
import { AuditEntry, compile, streams, subjects } from '@sightline/contracts';
import { DeliverPolicy, type JetStreamClient, publishJson } from '@sightline/nats';
import type { Principal } from './control-plane.js';

const validEntry = compile(AuditEntry);

export interface AuditChange {
  action: string;
  resource: string;
  resourceId: string;
  changes?: string[];
}

/** The audit trail: every control-plane change is appended to AUDIT before the API answers. */
export class AuditLog {
  constructor(private readonly js: JetStreamClient) {}

  async record(principal: Pick<Principal, 'tenantId' | 'keyId' | 'owner'>, change: AuditChange) {
    const entry: AuditEntry = {
      auditId: randomUUID(),
      tenantId: principal.tenantId,
      actor: { keyId: principal.keyId, owner: principal.owner },
      at: Date.now(),
      ...change,
    };
    validEntry.parse(entry);
    await publishJson(this.js, subjects.audit(entry.tenantId, entry.resource), entry, {
      msgId: entry.auditId,
    });
    return entry;
  }

  /** The tenant's most recent entries since `sinceMs` (newest first), scanning at most `scanMax`. */
  async recent(
    tenantId: string,
    { sinceMs, limit, scanMax = 5000 }: { sinceMs: number; limit: number; scanMax?: number },
  ) {
    const consumer = await this.js.consumers.get(streams.audit.name, {
      filter_subjects: subjects.auditOfTenant(tenantId),
      deliver_policy: DeliverPolicy.StartTime,
      opt_start_time: new Date(sinceMs).toISOString(),
    });
    const pending = Math.min((await consumer.info(true)).num_pending, scanMax);
    const out: AuditEntry[] = [];
    if (pending === 0) return out;
    const batch = await consumer.fetch({ max_messages: pending, expires: 5000 });
    for await (const m of batch) {
      const entry = m.json<AuditEntry>();
      if (validEntry.check(entry)) out.push(entry);
      if (m.info.pending === 0) break;
    }
    return out.reverse().slice(0, limit);
  }
}
