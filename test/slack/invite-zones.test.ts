import { describe, expect, it } from 'vitest';
import { MAX_ZONE_LINES, zoneScheduleLines } from '../../src/slack/views/audience.js';
import { manualClock } from '../support/app.js';
import { viewLimitProblems } from '../support/block-kit-limits.js';
import { member, seedMembers } from '../support/community.js';
import { describeEachDatabase } from '../support/databases.js';
import { blockAction, checkedOptions, currentView, dateTime, USER, useSlackHarness } from '../support/slack.js';

const NOW = Date.parse('2026-11-20T12:00:00Z');
// 09:00 on Wednesday December 2 in Paris, where the user's picker shows it.
const OPENS = Date.parse('2026-12-02T08:00:00Z');

describeEachDatabase('/invite audience preview by time zone', (get) => {
  const slack = useSlackHarness(get, { clock: manualClock(NOW) }, (slack, db) =>
    seedMembers(
      db,
      [
        member('tor-1'),
        member('tor-2'),
        member('par-1', { timezone: 'Europe/Paris' }),
        member('tok-1', { timezone: 'Asia/Tokyo' }),
        member('tok-2', { timezone: 'Asia/Tokyo' }),
        member('tok-3', { timezone: 'Asia/Tokyo' }),
        member('akl-1', { timezone: 'Pacific/Auckland' }),
        member('la-1', { timezone: 'America/Los_Angeles' }),
        // Not in the audience: its zone is not listed.
        member('syd-unsub', { timezone: 'Australia/Sydney', subscribed: false }),
      ],
      slack.clock.now(),
    ),
  );

  async function previewWith(entered: Record<string, Record<string, unknown>>) {
    slack.fake.users.set(USER, { tz: 'Europe/Paris' });
    await slack.command('/invite', 'onboarding');
    await slack.settle();
    await slack.interact(blockAction(slack.fake, { action_id: 'invite.preview_audience', block_id: 'audience_actions' }, { opens: dateTime(OPENS), ...entered }));
    await slack.settle();
    return currentView(slack.fake).view;
  }

  it('with member-local times, lists when each zone receives it, earliest first, in local time, UTC and the user’s time', async () => {
    const view = await previewWith({ member_local: checkedOptions('member_local') });
    expect(viewLimitProblems(view)).toEqual([]);
    expect(JSON.stringify(view)).toContain('*Audience: 8* of 9 matched');
    const zones = view.blocks.find((b: any) => b.block_id === 'audience_zones');
    expect(zones.type).toBe('section');
    expect(zones.text.text.split('\n')).toEqual([
      "*When each time zone receives it* (Wed Dec 2, 09:00 in each member's own zone; your time: Europe/Paris):",
      // 09:00 in Auckland (UTC+13) is still the day before in UTC and in Paris.
      '• Pacific/Auckland — 1 member — Wed Dec 2, 09:00 local (Tue Dec 1, 20:00 UTC, Tue Dec 1, 21:00 your time)',
      '• Asia/Tokyo — 3 members — Wed Dec 2, 09:00 local (00:00 UTC, 01:00 your time)',
      '• Europe/Paris — 1 member — Wed Dec 2, 09:00 local (08:00 UTC, 09:00 your time)',
      '• America/Toronto — 2 members — Wed Dec 2, 09:00 local (14:00 UTC, 15:00 your time)',
      '• America/Los_Angeles — 1 member — Wed Dec 2, 09:00 local (17:00 UTC, 18:00 your time)',
    ]);
    // The user's zone was asked once, to read the picker as the submit does.
    expect(slack.fake.callsTo('users.info').map((c) => c.args.user)).toEqual([USER]);
  });

  it('with fixed times, shows no time zone section (and does not ask for the user’s zone)', async () => {
    const view = await previewWith({});
    expect(JSON.stringify(view)).toContain('*Audience: 8* of 9 matched');
    expect(view.blocks.find((b: any) => b.block_id === 'audience_zones')).toBeUndefined();
    expect(JSON.stringify(view)).not.toContain('When each time zone receives it');
    expect(slack.fake.callsTo('users.info')).toEqual([]);
  });
});

describe('zoneScheduleLines', () => {
  const opening = { opensLocal: '2026-12-02T09:00', viewerZone: 'UTC', now: NOW };

  it(`lists ${MAX_ZONE_LINES} zones at most, then sums up the rest`, () => {
    // 14 zones from UTC+14 to UTC-10, one more member each.
    const zones = ['Pacific/Kiritimati', 'Pacific/Auckland', 'Australia/Sydney', 'Asia/Tokyo', 'Asia/Shanghai', 'Asia/Kolkata', 'Europe/Moscow', 'Europe/Athens', 'Europe/Paris', 'Europe/London', 'America/Sao_Paulo', 'America/Toronto', 'America/Denver', 'Pacific/Honolulu'];
    const byTimeZone = Object.fromEntries(zones.map((z, i) => [z, 1000 + i]));
    const lines = zoneScheduleLines(byTimeZone, opening);
    expect(lines).toHaveLength(1 + MAX_ZONE_LINES + 1);
    // No "your time" when the user's zone is UTC: the UTC time says it.
    expect(lines[0]).toBe("*When each time zone receives it* (Wed Dec 2, 09:00 in each member's own zone):");
    expect(lines[1]).toBe('• Pacific/Kiritimati — 1,000 members — Wed Dec 2, 09:00 local (Tue Dec 1, 19:00 UTC)');
    expect(lines.slice(1, -1).map((l) => l.split(' — ')[0]!.slice(2))).toEqual(zones.slice(0, MAX_ZONE_LINES));
    expect(lines.at(-1)).toBe('…and 4 more zones (4,046 members).');
  });

  it('says so for a zone Intl does not know (it opens as UTC), for a time already past, and lists nothing without members', () => {
    const lines = zoneScheduleLines({ 'Mars/Olympus_Mons': 2 }, { ...opening, now: Date.parse('2026-12-03T00:00:00Z') });
    expect(lines[1]).toBe('• Mars/Olympus_Mons — 2 members — Wed Dec 2, 09:00 UTC (a zone we do not know: opens as UTC) — already past');
    expect(zoneScheduleLines({}, opening)).toEqual([]);
  });
});
