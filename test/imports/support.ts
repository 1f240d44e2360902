// Shared by the import suites: run an import from text and look at what landed.
import { sql } from 'drizzle-orm';
import type { Db } from '../../src/db/client.js';
import { importCsv, type CsvImportKind, type CsvImportOptions } from '../../src/core/imports/csv-import.js';
import { attributesJson, loadAttributeSlots } from '../../src/core/members/attribute-slots.js';

export const NOW = Date.parse('2026-11-01T12:00:00Z');
export const DAY = 86_400_000;
export const MEMBER_HEADER = 'id,email,phone,preferred_locale,timezone,subscribed';

export function importText(db: Db, kind: CsvImportKind, lines: string[], opts: Partial<CsvImportOptions> = {}) {
  return importCsv(db, kind, [`${lines.join('\n')}\n`], { now: NOW, ...opts });
}

export interface MemberRow {
  id: number;
  external_id: string;
  email: string | null;
  phone: string | null;
  preferred_locale: string | null;
  time_zone: string;
  preferred_channel: string | null;
  subscribed: number;
  unsubscribed_at: number | null;
  email_opt_out_at: number | null;
  email_suppressed_at: number | null;
  sms_opt_out_at: number | null;
  attributes: string;
  created_at: number;
  updated_at: number;
}

export async function members(db: Db, prefix: string): Promise<MemberRow[]> {
  const attributes = attributesJson(await loadAttributeSlots(db), sql`members`);
  const rows = await db.all<MemberRow & { rebuilt: string }>(sql`SELECT *, ${attributes} AS rebuilt FROM members WHERE external_id LIKE ${`${prefix}%`} ORDER BY external_id`);
  return rows.map(({ rebuilt, ...row }) => ({ ...row, attributes: rebuilt }));
}

export async function stagedRows(db: Db): Promise<number> {
  const [row] = await db.all<{ n: number }>(sql`SELECT count(*) AS n FROM import_rows`);
  return row!.n;
}
