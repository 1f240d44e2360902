// Requests to a libSQL server: a statement may take as long as the caller allows (imports merge a
// whole file in one atomic batch, which can outlast the HTTP client's default 300 s).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patientFetch } from '../../src/cli/patient-fetch.js';
import { openDatabase } from '../../src/db/open.js';
import { startSqld, type SqldServer } from '../support/sqld.js';

// One to three seconds on sqld here: long enough to outlast a short timeout.
const SLOW = 'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 8000000) SELECT count(*) AS n FROM n';

let sqld: SqldServer;
beforeAll(async () => {
  sqld = await startSqld();
}, 60_000);
afterAll(() => sqld?.stop());

describe('openDatabase on a libSQL server', () => {
  it('gives up on a request that outlasts the fetch’s timeout', async () => {
    const { client } = openDatabase(sqld.url, undefined, { fetch: await patientFetch(200) });
    try {
      const error = await client.execute(SLOW).then(() => undefined, (e: unknown) => e as { cause?: { code?: string } });
      expect(error?.cause?.code).toBe('UND_ERR_HEADERS_TIMEOUT');
    } finally {
      client.close();
    }
  });

  it('waits for a long statement when allowed to', async () => {
    const { client } = openDatabase(sqld.url, undefined, { fetch: await patientFetch(60_000) });
    try {
      const started = performance.now();
      const { rows } = await client.execute(SLOW);
      expect(Number(rows[0]!.n)).toBe(8_000_000);
      // The slow statement really is slower than the timeout the first test gave up after.
      expect(performance.now() - started).toBeGreaterThan(200);
    } finally {
      client.close();
    }
  });
});
