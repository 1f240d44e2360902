// Per-zone instants for "member local" schedules: computed in JS for the few hundred zones the
// members live in, then joined in SQL, so a million members cost one statement and no Intl calls.
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { zonedLocalToInstant } from '../time.js';

/** zone → the instant its wall clock shows `local`; a zone Intl does not know falls back to UTC. */
export function instantsByZone(local: string, zones: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const zone of zones) {
    try {
      out[zone] = zonedLocalToInstant(local, zone);
    } catch {
      out[zone] = zonedLocalToInstant(local, 'UTC');
    }
  }
  return out;
}

/** A `zone_instants(zone, at)` table expression over a map from instantsByZone. */
export function zoneInstantsTable(map: Record<string, number>): SQL {
  return sql`(SELECT key AS zone, value AS at FROM json_each(${JSON.stringify(map)}))`;
}

/** The zones of an invitation's audience. */
export async function audienceZones(db: Db, invitationSeq: number): Promise<string[]> {
  const rows = await db.all<{ z: string }>(sql`SELECT DISTINCT m.time_zone AS z FROM participations p JOIN members m ON m.id = p.member_id WHERE p.invitation_seq = ${invitationSeq}`);
  return rows.map((r) => r.z);
}
