import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { jsonRowsSource } from '../row-source.js';
import type { MemberInput } from './input.js';

/** The JSON shape a member row travels in, into json_each() or the import staging table. */
export function memberRowJson(m: MemberInput): string {
  return JSON.stringify({
    id: m.id,
    email: m.email ?? null,
    phone: m.phone ?? null,
    preferred_locale: m.preferredLocale ?? null,
    timezone: m.timezone,
    preferred_channel: m.preferredChannel ?? null,
    subscribed: m.subscribed ? 1 : 0,
    attributes: m.attributes,
  });
}

/**
 * One statement that upserts every member row found in `source` (see ../row-source.ts), so a request or a whole import file lands atomically and the row work happens
 * inside libSQL. Email/SMS opt-outs and suppressions are not touched: they come from the members
 * themselves and the providers, and an import must never undo them.
 */
export function mergeMembersStatement(source: SQL, now: number): SQL {
  return sql`
    INSERT INTO members (external_id, email, phone, preferred_locale, time_zone, preferred_channel,
                         subscribed, unsubscribed_at, attributes, created_at, updated_at)
    SELECT data ->> '$.id', data ->> '$.email', data ->> '$.phone', data ->> '$.preferred_locale',
           data ->> '$.timezone', data ->> '$.preferred_channel', data ->> '$.subscribed',
           CASE WHEN data ->> '$.subscribed' = 0 THEN ${now} END,
           json(data -> '$.attributes'), ${now}, ${now}
    FROM ${source}
    WHERE true
    ON CONFLICT (external_id) DO UPDATE SET
      email = excluded.email,
      phone = excluded.phone,
      preferred_locale = excluded.preferred_locale,
      time_zone = excluded.time_zone,
      preferred_channel = excluded.preferred_channel,
      unsubscribed_at = CASE
        WHEN excluded.subscribed = 1 THEN NULL
        WHEN members.subscribed = 0 THEN members.unsubscribed_at
        ELSE excluded.updated_at END,
      subscribed = excluded.subscribed,
      attributes = excluded.attributes,
      updated_at = excluded.updated_at`;
}

export async function upsertMembers(db: Db, members: MemberInput[], now: number): Promise<number> {
  if (members.length === 0) return 0;
  await db.run(mergeMembersStatement(jsonRowsSource(members.map(memberRowJson)), now));
  return members.length;
}
