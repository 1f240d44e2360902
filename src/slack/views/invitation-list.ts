// `/invitations`: an ephemeral list, newest first, one section per invitation with its buttons.
import type { ActionsBlockElement, KnownBlock, View } from '@slack/types';
import type { InvitationCounts } from '../../core/invitations/service.js';
import type { Invitation } from '../../db/schema.js';
import type { DeliveryFacts } from '../delivery-facts.js';
import { deliveryLines, pauseText } from './delivery-text.js';
import { statusText, windowText } from './invitation-text.js';
import { escapeMrkdwn, plain } from './text.js';

export const listActions = {
  view: 'list.view',
  edit: 'list.edit',
  close: 'list.close',
  next: 'list.next',
} as const;

export interface ListedInvitation {
  invitation: Invitation;
  counts: InvitationCounts;
  delivery: DeliveryFacts;
  chatName: string;
}

/** What the list was asked for, carried by the "Next page" button. */
export interface ListQuery {
  status?: Invitation['status'];
  locale?: string;
  chatId?: string;
  cursor?: string;
}

/** One invitation: its line and buttons. The App Home has no response_url, so no Close there. */
function row({ invitation: inv, counts, delivery, chatName }: ListedInvitation, withClose = true): KnownBlock[] {
  const limit = inv.responseLimit ? ` / limit ${inv.responseLimit.toLocaleString('en-US')}` : '';
  const paused = pauseText(inv, delivery);
  const buttons: ActionsBlockElement[] = [{ type: 'button', action_id: listActions.view, value: inv.id, text: plain('View') }];
  if (inv.status === 'scheduled') buttons.push({ type: 'button', action_id: listActions.edit, value: inv.id, text: plain('Edit') });
  if (withClose && (inv.status === 'scheduled' || inv.status === 'open')) {
    buttons.push({
      type: 'button',
      action_id: listActions.close,
      value: inv.id,
      style: 'danger',
      text: plain('Close'),
      confirm: { title: plain('Close this invitation?'), text: plain(`“${inv.name.slice(0, 200)}” stops sending and stops counting completions.`), confirm: plain('Close'), deny: plain('Keep it'), style: 'danger' },
    });
  }
  return [
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: [
          `*${escapeMrkdwn(inv.name)}* · ${escapeMrkdwn(chatName)} · Locale *${inv.locale}* · ${statusText(inv)}`,
          windowText(inv),
          `Targeted ${counts.targeted.toLocaleString('en-US')} · sent ${counts.sent.toLocaleString('en-US')} · completed ${counts.completed.toLocaleString('en-US')}${limit}`,
          ...(paused ? [paused] : []),
          ...deliveryLines(inv, delivery.steps),
        ].join('\n'),
      },
    },
    { type: 'actions', block_id: `list.${inv.id}`, elements: buttons },
  ];
}

function describe(query: ListQuery): string {
  const parts = [query.status, query.locale, query.chatId].filter(Boolean);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

export function invitationList(items: ListedInvitation[], query: ListQuery, nextCursor: string | null): { text: string; blocks: KnownBlock[] } {
  const title = `Invitations${describe(query)}`;
  if (items.length === 0) return { text: `${title}: none`, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `*${title}*\nNone yet. \`/invite\` creates one.` } }] };
  const blocks: KnownBlock[] = [{ type: 'header', text: plain(title) }, ...items.flatMap((item) => [...row(item), { type: 'divider' } as KnownBlock])];
  if (nextCursor) {
    blocks.push({
      type: 'actions',
      block_id: 'list.pages',
      elements: [{ type: 'button', action_id: listActions.next, text: plain('Next page'), value: JSON.stringify({ ...query, cursor: nextCursor }) }],
    });
  }
  return { text: title, blocks };
}

/** The app's Home tab: the newest invitations, with View and Edit. */
export function homeView(items: ListedInvitation[]): View {
  const blocks: KnownBlock[] = [
    { type: 'header', text: plain('Invitations') },
    { type: 'context', elements: [{ type: 'mrkdwn', text: '`/invite` creates one; `/invitations open fr-CA onboarding` filters and pages through all of them.' }] },
    ...items.flatMap((item) => [...row(item, false), { type: 'divider' } as KnownBlock]),
  ];
  if (items.length === 0) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: 'None yet.' } });
  return { type: 'home', blocks };
}
