import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { ValidationError } from '../errors.js';
import { jsonRowsSource } from '../row-source.js';
import type { ResponseInput } from './input.js';

export function responseRowJson(r: ResponseInput): string {
  return JSON.stringify({
    member_id: r.memberId,
    chat_id: r.chatId,
    question: r.question,
    value: r.value,
    answered_at: Date.parse(r.answeredAt),
  });
}

export interface UnknownReference {
  line: number;
  field: 'member_id' | 'chat_id';
  value: string;
}

/** Rows that name a member or chat we do not have: reported to the caller, never dropped silently. */
export async function findUnknownReferences(db: Db, source: SQL, limit = 1000): Promise<UnknownReference[]> {
  return db.all<UnknownReference>(sql`
    SELECT line, 'member_id' AS field, data ->> '$.member_id' AS value FROM ${source} AS s
      WHERE NOT EXISTS (SELECT 1 FROM members WHERE external_id = s.data ->> '$.member_id')
    UNION ALL
    SELECT line, 'chat_id' AS field, data ->> '$.chat_id' AS value FROM ${source} AS s
      WHERE NOT EXISTS (SELECT 1 FROM chats WHERE id = s.data ->> '$.chat_id')
    ORDER BY line LIMIT ${limit}`);
}

/** Upserts responses keyed by member × chat × question; an older answer never replaces a newer one. */
export function mergeResponsesStatement(source: SQL): SQL {
  return sql`
    INSERT INTO chat_responses (member_id, chat_id, question, value, answered_at)
    SELECT m.id, s.data ->> '$.chat_id', s.data ->> '$.question', s.data ->> '$.value', s.data ->> '$.answered_at'
    FROM ${source} AS s JOIN members m ON m.external_id = s.data ->> '$.member_id'
    WHERE true
    ON CONFLICT (member_id, chat_id, question) DO UPDATE SET
      value = excluded.value, answered_at = excluded.answered_at
      WHERE excluded.answered_at >= chat_responses.answered_at`;
}

export async function upsertResponses(db: Db, responses: ResponseInput[], pathPrefix = 'responses'): Promise<number> {
  const source = jsonRowsSource(responses.map(responseRowJson));
  const unknown = await findUnknownReferences(db, source);
  if (unknown.length > 0) {
    throw new ValidationError(
      unknown.map((u) => ({
        path: `${pathPrefix}.${u.line}.${u.field === 'member_id' ? 'memberId' : 'chatId'}`,
        message: `unknown ${u.field === 'member_id' ? 'member' : 'chat'} ${JSON.stringify(u.value)}`,
      })),
    );
  }
  await db.run(mergeResponsesStatement(source));
  return responses.length;
}
