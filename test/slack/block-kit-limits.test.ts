import { describe, expect, it } from 'vitest';
import type { ChatWithLocales } from '../../src/core/chats/service.js';
import { shownDeliveryStates, type StepProgress } from '../../src/core/delivery/progress.js';
import type { InvitationCounts } from '../../src/core/invitations/service.js';
import type { DeliveryFacts } from '../../src/slack/delivery-facts.js';
import type { Invitation } from '../../src/db/schema.js';
import { invitationDetail } from '../../src/slack/views/invitation-detail.js';
import { homeView, invitationList } from '../../src/slack/views/invitation-list.js';
import { inviteModal, targetTypes, type InviteModalModel } from '../../src/slack/views/invite-modal.js';
import { zoneScheduleLines } from '../../src/slack/views/audience.js';
import { summaryMessage } from '../../src/slack/views/summary.js';
import { messageLimitProblems, viewLimitProblems } from '../support/block-kit-limits.js';

const long = (n: number, unit = 'x') => unit.repeat(n);
const now = Date.parse('2026-12-01T12:00:00Z');

// The biggest chat the form can meet: the longest names, 100 locales, templates over Slack's limits.
const chat: ChatWithLocales = {
  id: long(64, 'c'),
  name: long(200, 'N'),
  defaultLocale: 'en-US',
  createdAt: now,
  updatedAt: now,
  locales: Array.from({ length: 100 }, (_, i) => ({
    chatId: long(64, 'c'),
    locale: `x${String(i).padStart(2, '0')}-AA`,
    url: 'https://chats.example.com/x',
    displayName: null,
    logoUrl: null,
    accentColor: null,
    emailSenderName: null,
    emailSubject: long(200),
    emailBody: long(20_000),
    smsBody: long(1600),
  })),
} as ChatWithLocales;

function model(target: InviteModalModel['meta']['target'], chats: number): InviteModalModel {
  return {
    meta: { channel: 'C0123456789', chat: chat.id, locale: 'x42-AA', target, rows: [0, 1, 2, 3, 4, 5, 6, 7], reminders: [0, 1, 2] },
    chats: Array.from({ length: Math.min(chats, 100) }, (_, i) => ({ id: `${long(60, 'i')}${i}`, name: `${long(100, 'C')}${i}` })),
    chatCount: chats,
    fields: Array.from({ length: 150 }, (_, i) => `${long(60, 'f')}${i}`),
    chat,
    templates: { emailSubject: long(200), emailBody: long(20_000), smsBody: long(1600) },
    sms: { encoding: 'UCS-2', characters: 1600, units: 1600, segments: 25 },
    audience: Array.from({ length: 40 }, () => long(300, 'a')),
    // Every IANA zone, a million members each, seen from the zone with the longest name.
    audienceZones: zoneScheduleLines(Object.fromEntries(Intl.supportedValuesOf('timeZone').map((z) => [z, 1_000_000])), { opensLocal: '2026-12-02T09:00', viewerZone: 'America/Argentina/ComodRivadavia', now }),
    now,
  };
}

const invitation = {
  id: 'inv_0123456789abcdefghij',
  seq: 1,
  chatId: chat.id,
  name: long(80, 'n'),
  description: long(2000, '<'),
  locale: 'fr-CA',
  scheduleMode: 'fixed',
  timeZone: 'America/Toronto',
  opensLocal: null,
  closesLocal: null,
  opensAt: now,
  closesAt: now + 86_400_000,
  responseLimit: 100,
  target: { type: 'filter', filter: { type: 'and', conditions: [] }, expression: long(20_000, 'e') },
  sameLocaleOnly: true,
  liveAudience: true,
  cooldownDays: null,
  channel: 'preference',
  emailSubject: 's',
  emailBody: 'b {{link}}',
  smsBody: 's {{link}}',
  slackChannelId: 'C0123456789',
  slackMessageTs: null,
  createdBy: 'slack:U0123456789',
  status: 'open',
  closeReason: null,
  closedBy: null,
  approvalRequired: false,
  approvedBy: null,
  approvedAt: null,
  scheduledAt: now,
  openedAt: now,
  closedAt: null,
  createdAt: now,
  updatedAt: now,
  version: 3,
  idempotencyKey: null,
  reminders: Array.from({ length: 5 }, () => ({ afterHours: 2160, maxCount: 10, minGapHours: 2160, emailSubject: long(200), emailBody: long(20_000), smsBody: long(1600) })),
  pausedAt: now,
  pausedBy: 'runner',
  pauseReason: 'failure_rate',
  completedCount: 99,
} as Invitation;
const counts: InvitationCounts = { targeted: 1_000_000, sent: 999_999, delivered: 999_000, failed: 500, bounced: 499, cancelled: 1, clicked: 500_000, completed: 99, completedAfterClose: 0 };
// Every step with a million messages in every state.
const steps: StepProgress[] = Array.from({ length: 6 }, (_, step) => ({ step, total: 9_000_000, states: Object.fromEntries(shownDeliveryStates.map((s) => [s, 1_000_000])) as StepProgress['states'], retryable: 1_000_000 }));
const delivery: DeliveryFacts = { steps, autoPause: { failed: 1_000_000, attempted: 1_000_000 } };

describe('Block Kit limits on the largest views and messages', () => {
  for (const target of targetTypes) {
    for (const chats of [5, 100, 101, 5000]) {
      it(`the invite modal (target ${target}, ${chats} chats)`, () => {
        const view = inviteModal(model(target, chats));
        expect(viewLimitProblems(view)).toEqual([]);
        const chatBlock = view.blocks.find((b) => b.block_id === 'chat') as { element: { type: string } };
        expect(chatBlock.element.type).toBe(chats > 100 ? 'external_select' : 'static_select');
      });
    }
  }

  it('templates longer than a Slack input are left out of it, with a note', () => {
    const view = inviteModal(model('all', 5));
    const body = view.blocks.find((b) => b.block_id === 'email_body.x42-AA') as { element: { initial_value?: string } };
    expect(body.element.initial_value).toBeUndefined();
    expect(JSON.stringify(view)).toContain('longer than Slack allows');
  });

  it('the summary, the View modal and a full page of the list', () => {
    expect(messageLimitProblems(summaryMessage(invitation, counts, chat.name, delivery))).toEqual([]);
    expect(viewLimitProblems(invitationDetail(invitation, counts, chat.name, delivery))).toEqual([]);
    const items = Array.from({ length: 10 }, () => ({ invitation, counts, delivery, chatName: chat.name }));
    expect(messageLimitProblems(invitationList(items, { status: 'open', locale: 'fr-CA', chatId: chat.id }, long(200, 'z')))).toEqual([]);
    expect(viewLimitProblems(homeView(items))).toEqual([]);
  });

  it('the checker itself catches a violation', () => {
    expect(viewLimitProblems({ title: { text: long(25) }, blocks: [] })).toEqual(['title is 25 > 24']);
    expect(messageLimitProblems({ blocks: [{ type: 'section', text: { text: long(3001) } }] })).toHaveLength(1);
  });
});
