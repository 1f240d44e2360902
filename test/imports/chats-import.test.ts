import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { importChats } from '../../src/core/imports/chats-json.js';
import { getChat, listChats } from '../../src/core/chats/service.js';
import { describeEachDatabase } from '../support/databases.js';
import { NOW } from './support.js';

const chat = (id: string, name = 'A chat') => ({ id, name, locales: [{ locale: 'en-US', url: `https://chats.example.com/${id}` }] });

describeEachDatabase('chats JSON import', (get) => {
  it('imports the example file, a single object, and upserts by id', async () => {
    const { db } = get();
    const example = await importChats(db, readFileSync('examples/chats.json', 'utf8'), { now: NOW });
    expect(example).toMatchObject({ total: 2, imported: 2, committed: true });
    const feedback = await getChat(db, 'product-feedback');
    expect(feedback.locales.map((l) => l.locale)).toEqual(['en-US', 'fr-CA']);

    await importChats(db, JSON.stringify(chat('single', 'First name')), { now: NOW });
    await importChats(db, JSON.stringify({ ...chat('single', 'Renamed'), locales: [{ locale: 'fr-CA', url: 'https://chats.example.com/fr/single' }] }), { now: NOW + 1 });
    const single = await getChat(db, 'single');
    expect(single).toMatchObject({ name: 'Renamed', defaultLocale: 'fr-CA', createdAt: NOW, updatedAt: NOW + 1 });
    expect(single.locales.map((l) => l.locale)).toEqual(['fr-CA']);
  });

  it('rejects invalid chats by index and path, and imports none of the file', async () => {
    const { db } = get();
    const before = await listChats(db);
    const result = await importChats(
      db,
      JSON.stringify([chat('fine-1'), { ...chat('Bad Id'), locales: [{ locale: 'english', url: 'ftp://x' }] }, chat('fine-1')]),
      { now: NOW },
    );
    expect(result.committed).toBe(false);
    expect(result.rejected.first).toEqual([
      {
        line: 1,
        label: 'chats[1] ("Bad Id")',
        problems: [
          { column: 'id', message: 'must be lowercase letters, digits, - or _ (max 64), e.g. onboarding' },
          { column: 'locales.0.locale', message: 'must be a locale tag such as en-US or fr-CA' },
          { column: 'locales.0.url', message: 'must be an http(s) URL' },
        ],
      },
      { line: 2, label: 'chats[2] ("fine-1")', problems: [{ column: 'id', message: 'already in chats[0]' }] },
    ]);
    expect(await listChats(db)).toEqual(before);

    const skipped = await importChats(db, JSON.stringify([chat('fine-2'), { id: 'no-locales', name: 'x', locales: [] }]), { now: NOW, skipInvalid: true });
    expect(skipped).toMatchObject({ imported: 1, committed: true });
    expect((await getChat(db, 'fine-2')).name).toBe('A chat');
  });

  it('explains a file that is not JSON or not chats', async () => {
    const { db } = get();
    await expect(importChats(db, '{"id": "x",', { now: NOW })).rejects.toThrow(/^Not valid JSON: /);
    await expect(importChats(db, '"onboarding"', { now: NOW })).rejects.toThrow('Expected a chat object or an array of chat objects.');
  });
});
