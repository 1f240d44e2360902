// "Extend": a small modal to move an invitation's close time (allowed while scheduled or open).
import type { View } from '@slack/types';
import type { Invitation } from '../../db/schema.js';
import { plain, truncate } from './text.js';

export const EXTEND_CALLBACK_ID = 'extend_modal';
export const extendBlock = 'closes';

export interface ExtendMeta {
  id: string;
  version: number;
  /** Where the button was pressed, for the confirmation. */
  channel?: string;
}

export function extendModal(inv: Invitation, meta: ExtendMeta): View {
  return {
    type: 'modal',
    callback_id: EXTEND_CALLBACK_ID,
    title: plain('Extend'),
    submit: plain('Save'),
    close: plain('Cancel'),
    private_metadata: JSON.stringify(meta),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*${truncate(inv.name, 200).replaceAll('<', '&lt;')}*: choose its new close time.` } },
      {
        type: 'input',
        block_id: extendBlock,
        label: plain('Closes'),
        hint: plain('Shown in your Slack time zone.'),
        element: { type: 'datetimepicker', action_id: extendBlock, initial_date_time: Math.floor(inv.closesAt / 1000) },
      },
    ],
  };
}
