// One member as the API and the Slack previews show it, attributes rebuilt from their slots.
import { eq, getTableColumns, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { members, type Member } from '../../db/schema.js';
import { attributesJson, loadAttributeSlots } from './attribute-slots.js';

export async function findMember(db: Db, externalId: string): Promise<Member | undefined> {
  const attributes = attributesJson(await loadAttributeSlots(db), sql`${members}`).mapWith((text: string) => JSON.parse(text) as Member['attributes']);
  const [row] = await db.select({ ...getTableColumns(members), attributes }).from(members).where(eq(members.externalId, externalId));
  return row;
}
