// Provider rates are shared by every runner on the database: each reservation takes the span after
// the last one, whoever made it.
import { sql } from 'drizzle-orm';
import { beforeEach, expect, it } from 'vitest';
import { sharedRateLimiter } from '../../src/core/delivery/rate.js';
import { clearTables } from '../support/app.js';
import { describeEachDatabase } from '../support/databases.js';

describeEachDatabase('shared send rate', (get) => {
  beforeEach(async () => {
    await clearTables(get().db);
  });

  it('a second runner reserves the span after the first one, message by message', async () => {
    const first = sharedRateLimiter(get().db, 'sms', 100);
    const second = sharedRateLimiter(get().db, 'sms', 100);
    const before = Date.now();
    const a = await first.reserve(50);
    const b = await second.reserve(20);
    const c = await first.reserve(1);
    expect(a.at(0)).toBeGreaterThanOrEqual(before);
    expect(a.at(0)).toBeLessThanOrEqual(Date.now());
    expect(a.at(1) - a.at(0)).toBe(10);
    expect(b.at(0)).toBe(a.at(0) + 500);
    expect(b.at(19)).toBe(a.at(0) + 690);
    expect(c.at(0)).toBe(a.at(0) + 700);
  });

  it('each channel has its own rate, and a rate of 0 reserves nothing', async () => {
    const sms = await sharedRateLimiter(get().db, 'sms', 10).reserve(10);
    const email = await sharedRateLimiter(get().db, 'email', 500).reserve(500);
    expect(email.at(0)).toBeLessThan(sms.at(0) + 1000);
    const unlimited = await sharedRateLimiter(get().db, 'email', 0).reserve(500);
    expect(unlimited.at(499)).toBe(0);
    const rows = await get().db.all<{ channel: string; next_free_at: number }>(sql`SELECT channel, next_free_at FROM send_rates ORDER BY channel`);
    expect(rows).toEqual([
      { channel: 'email', next_free_at: email.at(0) + 1000 },
      { channel: 'sms', next_free_at: sms.at(0) + 1000 },
    ]);
  });

  it('a span that has passed is not owed: the next reservation starts now', async () => {
    const limiter = sharedRateLimiter(get().db, 'email', 1000);
    await get().db.run(sql`INSERT INTO send_rates (channel, next_free_at) VALUES ('email', ${Date.now() - 60_000})`);
    const before = Date.now();
    const window = await limiter.reserve(100);
    expect(window.at(0)).toBeGreaterThanOrEqual(before);
    expect(window.at(0)).toBeLessThanOrEqual(Date.now());
  });
});
