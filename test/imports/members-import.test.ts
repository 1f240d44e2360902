import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { ImportFileError } from '../../src/core/imports/rejections.js';
import { CsvSyntaxError } from '../../src/core/imports/csv.js';
import { importCsv } from '../../src/core/imports/csv-import.js';
import { describeEachDatabase } from '../support/databases.js';
import { attributeIndex } from '../support/attributes.js';
import { DAY, importText, MEMBER_HEADER, members, NOW, stagedRows } from './support.js';

describeEachDatabase('members CSV import', (get) => {
  it('types attributes by the documented rule and by header suffixes', async () => {
    const { db } = get();
    const result = await importText(db, 'members', [
      `${MEMBER_HEADER},preferred_channel,zip,code:string,score:number,vip:boolean,joined:date,age,active,note,when,blank`,
      'ty-1,ana@example.com,+15555550101,fr-CA,America/Montreal,yes,SMS,02134,42,007,YES,2024-02-01,34,TRUE,2024-03-05 launch,2024-03-05T10:00,',
    ]);
    expect(result).toMatchObject({ committed: true, rowsRead: 1, imported: 1 });
    const [member] = await members(db, 'ty-');
    expect(member).toMatchObject({ email: 'ana@example.com', preferred_locale: 'fr-CA', time_zone: 'America/Montreal', preferred_channel: 'sms', subscribed: 1 });
    expect(JSON.parse(member!.attributes)).toEqual({
      zip: '02134', code: '42', score: 7, vip: true, joined: '2024-02-01', age: 34, active: true, note: '2024-03-05 launch', when: '2024-03-05T10:00',
    });
    // Strings become dates in the filter index when SQLite reads them as one (migrations/0001).
    const types = Object.fromEntries((await attributeIndex(db, 'ty-1')).map((a) => [a.key, a.type]));
    expect(types).toEqual({
      zip: 'string', code: 'string', score: 'number', vip: 'boolean', joined: 'date', age: 'number', active: 'boolean', note: 'string', when: 'date',
    });
  });

  it('upserts by id: a second file updates the member and keeps its internal id', async () => {
    const { db } = get();
    await importText(db, 'members', [`${MEMBER_HEADER},plan,country`, 'up-1,old@example.com,,en-US,UTC,true,free,CA', 'up-2,two@example.com,,,,,pro,US']);
    const before = await members(db, 'up-');
    await importText(db, 'members', [`${MEMBER_HEADER},plan`, 'up-1,new@example.com,+15555550123,fr-CA,America/Toronto,true,team'], { now: NOW + DAY });
    const after = await members(db, 'up-');
    expect(after).toHaveLength(2);
    expect(after[0]).toMatchObject({ id: before[0]!.id, email: 'new@example.com', phone: '+15555550123', created_at: NOW, updated_at: NOW + DAY });
    // The row is replaced as a whole: attributes not in the new file are gone.
    expect(JSON.parse(after[0]!.attributes)).toEqual({ plan: 'team' });
    expect(after[1]).toEqual(before[1]);
  });

  it('rejects bad rows with line numbers and reasons, and writes nothing at all', async () => {
    const { db } = get();
    const result = await importText(db, 'members', [
      `${MEMBER_HEADER},age:number`,
      'bad-1,ok@example.com,,,,,30',
      'bad-2,not-an-email,,,Mars/Base,maybe,old',
      '"bad-3, x",,,,,,',
      'bad-4,four@example.com,,,',
      ',no-id@example.com,,,,,',
      'bad-1,again@example.com,,,,,1',
    ]);
    expect(result.committed).toBe(false);
    expect(result.rejected.count).toBe(5);
    expect(result.rejected.first).toEqual([
      {
        line: 3,
        problems: [
          { column: 'email', message: 'must be an email address, got "not-an-email"' },
          { column: 'timezone', message: 'must be an IANA time zone such as America/Toronto, got "Mars/Base"' },
          { column: 'subscribed', message: 'must be true/false/yes/no/1/0, got "maybe"' },
          { column: 'age:number', message: 'must be a number, got "old"' },
        ],
      },
      { line: 4, problems: [{ column: 'id', message: 'must not contain spaces or commas, got "bad-3, x"' }] },
      { line: 5, problems: [{ column: '(row)', message: 'has 5 fields, the header has 7' }] },
      { line: 6, problems: [{ column: 'id', message: 'required' }] },
      { line: 7, problems: [{ column: 'id', message: '"bad-1" is already on line 2' }] },
    ]);
    expect(await members(db, 'bad-')).toEqual([]);
    expect(await stagedRows(db)).toBe(0);
  });

  it('with skipInvalid imports the valid rows and still reports the rejected ones', async () => {
    const { db } = get();
    const result = await importText(db, 'members', [MEMBER_HEADER, 'sk-1,one@example.com,,,,', 'sk-2,two,,,,', 'sk-3,,,,,no'], { skipInvalid: true });
    expect(result).toMatchObject({ committed: true, rowsRead: 3, imported: 2 });
    expect(result.rejected.first.map((r) => r.line)).toEqual([3]);
    expect((await members(db, 'sk-')).map((m) => [m.external_id, m.subscribed])).toEqual([['sk-1', 1], ['sk-3', 0]]);
    expect(await stagedRows(db)).toBe(0);
  });

  it('never undoes opt-outs, suppressions or the first unsubscribe time', async () => {
    const { db } = get();
    await importText(db, 'members', [MEMBER_HEADER, 'opt-1,opt@example.com,+15555550199,,,true', 'opt-2,u@example.com,,,,false']);
    await db.run(sql`UPDATE members SET email_opt_out_at = 111, email_suppressed_at = 222, email_suppression_reason = 'hard bounce', sms_opt_out_at = 333
      WHERE external_id = 'opt-1'`);
    await importText(db, 'members', [MEMBER_HEADER, 'opt-1,opt@example.com,+15555550199,,,true', 'opt-2,u@example.com,,,,no'], { now: NOW + DAY });
    const [opt1, opt2] = await members(db, 'opt-');
    expect(opt1).toMatchObject({ email_opt_out_at: 111, email_suppressed_at: 222, sms_opt_out_at: 333, subscribed: 1 });
    expect(opt2).toMatchObject({ subscribed: 0, unsubscribed_at: NOW });
  });

  it('keeps only the first 50 rejected rows and counts the rest', async () => {
    const { db } = get();
    const lines = [MEMBER_HEADER, ...Array.from({ length: 120 }, (_, i) => `many-${i},bad${i},,,,`)];
    const result = await importText(db, 'members', lines, { chunkRows: 7 });
    expect(result.rejected.count).toBe(120);
    expect(result.rejected.first).toHaveLength(50);
    expect(result.rejected.first.at(-1)!.line).toBe(51);
  });

  it('says clearly what is wrong with a header', async () => {
    const { db } = get();
    const bad = async (header: string) => importText(db, 'members', [header, 'x']).then(() => 'accepted', (e: unknown) => e);
    await expect(bad('email,phone,preferred_locale,timezone,subscribed')).resolves.toEqual(
      new ImportFileError('Bad header: missing column id (a members file starts with id,email,phone,preferred_locale,timezone,subscribed)'),
    );
    await expect(bad('member_id,chat_id,question,value,answered_at')).resolves.toMatchObject({ message: expect.stringMatching(/^Bad header: missing columns id, email, phone/) });
    await expect(bad(`${MEMBER_HEADER},zip:text`)).resolves.toMatchObject({ message: expect.stringContaining('"zip:text": the type suffix must be one of :string, :number, :boolean, :date') });
    await expect(bad(`${MEMBER_HEADER},email`)).resolves.toMatchObject({ message: expect.stringContaining('column "email" appears twice') });
    await expect(bad(`${MEMBER_HEADER},first name,created_at`)).resolves.toMatchObject({
      message: expect.stringMatching(/"first name": attribute names start with a letter.*"created_at": "created_at" is a member field, not an attribute/),
    });
    await expect(bad('id,email:string,phone,preferred_locale,timezone,subscribed')).resolves.toMatchObject({ message: expect.stringContaining('email is a member field and takes no type suffix') });
    await expect(importCsv(get().db, 'members', [''], { now: NOW })).rejects.toThrow('The file is empty: expected a header row.');
  });

  it('leaves the database as it was when the file breaks midway', async () => {
    const { db } = get();
    const rows = Array.from({ length: 30 }, (_, i) => `mid-${i},m${i}@example.com,,,,`);
    await expect(importText(db, 'members', [MEMBER_HEADER, ...rows, 'mid-x,"broken"quote,,,,', 'mid-y,,,,,'], { chunkRows: 4 })).rejects.toThrow(
      new CsvSyntaxError(32, 'unexpected "q" after the closing quote of field 2'),
    );
    async function* failingSource() {
      yield `${MEMBER_HEADER}\n${rows.join('\n')}\n`;
      throw new Error('disk went away');
    }
    await expect(importCsv(db, 'members', failingSource(), { now: NOW, chunkRows: 4 })).rejects.toThrow('disk went away');
    const aborted = new AbortController();
    async function* abortedSource() {
      yield `${MEMBER_HEADER}\n${rows.join('\n')}\n`;
      aborted.abort();
      yield 'mid-z,,,,,\n';
    }
    await expect(importCsv(db, 'members', abortedSource(), { now: NOW, chunkRows: 4, signal: aborted.signal })).rejects.toThrow();
    expect(await members(db, 'mid-')).toEqual([]);
    expect(await stagedRows(db)).toBe(0);
  });

  it('rolls the whole file back when the merge itself fails', async () => {
    const { db } = get();
    await db.run(sql`CREATE TRIGGER boom BEFORE INSERT ON members WHEN NEW.external_id = 'boom-3' BEGIN SELECT RAISE(ABORT, 'boom'); END`);
    try {
      await expect(importText(db, 'members', [MEMBER_HEADER, 'boom-1,,,,,', 'boom-2,,,,,', 'boom-3,,,,,', 'boom-4,,,,,'])).rejects.toThrow(/boom/);
    } finally {
      await db.run(sql`DROP TRIGGER boom`);
    }
    expect(await members(db, 'boom-')).toEqual([]);
    expect(await stagedRows(db)).toBe(0);
  });

  it('writes a file whose rows add up to more than one libSQL argument holds (5 MB) in several statements', async () => {
    const { db } = get();
    const long = 'ü'.repeat(1_500);
    const rows = Array.from({ length: 3_000 }, (_, i) => `lg-${i},,,,,,${long}${i}`);
    const result = await importText(db, 'members', [`${MEMBER_HEADER},bio`, ...rows]);
    expect(result).toMatchObject({ imported: 3_000, committed: true });
    const stored = await members(db, 'lg-2999');
    expect(JSON.parse(stored[0]!.attributes)).toEqual({ bio: `${long}2999` });
  }, 60_000);

  it('reads quoted fields and multi-line values, with line numbers from where each row starts', async () => {
    const { db } = get();
    const result = await importText(db, 'members', [
      `${MEMBER_HEADER},note`,
      'ql-1,,,,,,"first line',
      'second line, with ""quotes"""',
      'ql-2,bad,,,,,x',
    ], { skipInvalid: true });
    expect(result.rejected.first.map((r) => r.line)).toEqual([4]);
    expect(JSON.parse((await members(db, 'ql-'))[0]!.attributes)).toEqual({ note: 'first line\nsecond line, with "quotes"' });
  });
});
