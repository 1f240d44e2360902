import { sql, type SQL } from 'drizzle-orm';

export type Changes = Record<string, { from: unknown; to: unknown }>;

/** Fields whose value differs between two snapshots, as { field: { from, to } }. */
export function diff(before: Record<string, unknown>, after: Record<string, unknown>): Changes {
  const changes: Changes = {};
  for (const key of Object.keys(after)) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) changes[key] = { from: before[key] ?? null, to: after[key] ?? null };
  }
  return changes;
}

export interface AuditEvent {
  entityType: 'invitation' | 'chat';
  entityId: string;
  action: string;
  actor: string;
  at: number;
  changes?: unknown;
}

/**
 * The audit row of a change written by the statement just before it in the same batch, kept
 * only if that statement changed exactly one row (changes() = 1): the batch runs as one
 * transaction, so a guarded write that did nothing (stale version, already closed, replayed
 * create) leaves no audit row either.
 */
export function auditIfChanged(event: AuditEvent): SQL {
  return sql`INSERT INTO audit_events (entity_type, entity_id, action, actor, at, changes)
    SELECT ${event.entityType}, ${event.entityId}, ${event.action}, ${event.actor}, ${event.at}, ${event.changes === undefined ? null : JSON.stringify(event.changes)}
    WHERE changes() = 1`;
}
