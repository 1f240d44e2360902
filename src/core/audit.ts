import type { Db } from '../db/client.js';
import { auditEvents } from '../db/schema.js';

export type Changes = Record<string, { from: unknown; to: unknown }>;

/** Fields whose value differs between two snapshots, as { field: { from, to } }. */
export function diff(before: Record<string, unknown>, after: Record<string, unknown>): Changes {
  const changes: Changes = {};
  for (const key of Object.keys(after)) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) changes[key] = { from: before[key] ?? null, to: after[key] ?? null };
  }
  return changes;
}

export function auditInsert(
  db: Db,
  event: { entityType: 'invitation' | 'chat'; entityId: string; action: string; actor: string; at: number; changes?: unknown },
) {
  return db.insert(auditEvents).values({ ...event, changes: event.changes ?? null });
}
