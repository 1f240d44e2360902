import { sql } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { saveChat } from '../../src/core/chats/service.js';
import { describeEachDatabase } from '../support/databases.js';
import { newImportId } from '../../src/core/imports/staging.js';
import { DAY, importText, MEMBER_HEADER, NOW, stagedRows } from './support.js';

const HEADER = 'member_id,chat_id,question,value,answered_at';

describeEachDatabase('responses CSV import', (get) => {
  beforeAll(async () => {
    const { db } = get();
    await saveChat(db, { id: 'onboarding', name: 'Onboarding', locales: [{ locale: 'en-US', url: 'https://chats.example.com/onboarding' }] }, NOW, { upsert: false });
    await importText(get().db, 'members', [MEMBER_HEADER, 'r-1,,,,,', 'r-2,,,,,']);
  });

  const responses = () =>
    get().db.all<{ external_id: string; chat_id: string; question: string; value: string; answered_at: number }>(sql`
      SELECT m.external_id, r.chat_id, r.question, r.value, r.answered_at FROM chat_responses r JOIN members m ON m.id = r.member_id
      ORDER BY m.external_id, r.question`);

  it('rejects rows naming an unknown member or chat, by line, and imports nothing', async () => {
    const result = await importText(get().db, 'responses', [
      HEADER,
      'r-1,onboarding,role,designer,2026-10-02T14:05:00Z',
      'r-2,onboarding,nps,9,yesterday',
      'ghost,onboarding,role,engineer,2026-10-02T14:05:00Z',
      'r-2,nowhere,role,engineer,2026-10-02T14:05:00Z',
      'ghost,nowhere,nps,9,2026-10-02T14:05:00Z',
    ]);
    expect(result.committed).toBe(false);
    expect(result.rejected.count).toBe(4);
    expect(result.rejected.first).toEqual([
      { line: 3, problems: [{ column: 'answered_at', message: 'must be an ISO 8601 date-time with a zone, e.g. 2026-12-01T09:00:00Z, got "yesterday"' }] },
      { line: 4, problems: [{ column: 'member_id', message: 'unknown member "ghost"' }] },
      { line: 5, problems: [{ column: 'chat_id', message: 'unknown chat "nowhere"' }] },
      { line: 6, problems: [{ column: 'member_id', message: 'unknown member "ghost"' }, { column: 'chat_id', message: 'unknown chat "nowhere"' }] },
    ]);
    expect(await responses()).toEqual([]);
    expect(await stagedRows(get().db)).toBe(0);
  });

  it('with skipInvalid stores only the rows whose member and chat exist', async () => {
    const result = await importText(
      get().db,
      'responses',
      [HEADER, 'r-1,onboarding,role,designer,2026-10-02T14:05:00Z', 'r-2,nowhere,role,engineer,2026-10-02T14:05:00Z', 'r-2,onboarding,nps,9,2026-10-03T10:00:00-04:00'],
      { skipInvalid: true },
    );
    expect(result).toMatchObject({ committed: true, rowsRead: 3, imported: 2 });
    expect(result.rejected.first.map((r) => r.line)).toEqual([3]);
    expect(await responses()).toEqual([
      { external_id: 'r-1', chat_id: 'onboarding', question: 'role', value: 'designer', answered_at: Date.parse('2026-10-02T14:05:00Z') },
      { external_id: 'r-2', chat_id: 'onboarding', question: 'nps', value: '9', answered_at: Date.parse('2026-10-03T14:00:00Z') },
    ]);
  });

  it('upserts by member × chat × question, keeping the newer answer', async () => {
    await importText(get().db, 'responses', [HEADER, 'r-1,onboarding,role,researcher,2026-10-05T00:00:00Z', 'r-2,onboarding,nps,3,2026-09-01T00:00:00Z']);
    const rows = await responses();
    expect(rows.map((r) => [r.external_id, r.question, r.value])).toEqual([['r-1', 'role', 'researcher'], ['r-2', 'nps', '9']]);
  });

  it('says which columns a responses file needs', async () => {
    await expect(importText(get().db, 'responses', ['member_id,chat,question,value,answered_at', 'x'])).rejects.toThrow(
      'Bad header: missing column chat_id; unknown column "chat" (a responses file has the columns member_id,chat_id,question,value,answered_at)',
    );
  });
  it('removes rows staged more than a day ago by imports that never finished', async () => {
    const { db } = get();
    const stale = newImportId(NOW - 2 * DAY);
    const recent = newImportId(NOW - DAY / 2);
    for (const id of [stale, recent]) await db.run(sql`INSERT INTO import_rows (import_id, seq, line, data) VALUES (${id}, 0, 2, '{}')`);
    await importText(db, 'responses', ['member_id,chat_id,question,value,answered_at']);
    const left = await db.all<{ import_id: string }>(sql`SELECT import_id FROM import_rows`);
    expect(left).toEqual([{ import_id: recent }]);
    await db.run(sql`DELETE FROM import_rows`);
  });

});
