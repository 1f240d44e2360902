// The rendered message as the "Preview message" modal and the "Send test" DM show it.
import type { KnownBlock, View } from '@slack/types';
import type { RenderedPreview } from '../message-preview.js';
import { escapedWithin, plain } from './text.js';

const quote = (text: string, max: number) => escapedWithin(text, max - 200).split('\n').map((line) => `>${line}`).join('\n');

export function renderedBlocks(preview: RenderedPreview): KnownBlock[] {
  const who = preview.example
    ? `For example member \`${preview.example.id}\` (${preview.example.locale ?? 'no preferred locale'}, ${preview.example.timeZone}), with a link as long as a real one.`
    : 'The audience is empty: shown with the fallbacks for missing values.';
  const brand = `Branding: *${escapedWithin(preview.branding.displayName, 200)}*${preview.branding.accentColor ? ` · accent ${preview.branding.accentColor}` : ''}${preview.branding.logoUrl ? ` · logo ${preview.branding.logoUrl}` : ''}`;
  const blocks: KnownBlock[] = [{ type: 'context', elements: [{ type: 'mrkdwn', text: who }, { type: 'mrkdwn', text: brand }] }];
  if (preview.email) {
    const { from, subject, body } = preview.email;
    blocks.push(
      { type: 'header', text: plain('Email') },
      { type: 'section', text: { type: 'mrkdwn', text: `*From:* ${escapedWithin(from, 200)}\n*Subject:* ${escapedWithin(subject, 400)}` } },
      { type: 'section', text: { type: 'mrkdwn', text: quote(body, 3000) } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: `${[...body].length.toLocaleString('en-US')} characters` }] },
    );
  }
  if (preview.sms) {
    const { text, length } = preview.sms;
    blocks.push(
      { type: 'header', text: plain('SMS') },
      { type: 'section', text: { type: 'mrkdwn', text: quote(text, 3000) } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: `${length.segments} segment${length.segments === 1 ? '' : 's'} · ${length.encoding} · ${length.characters} characters` }] },
    );
  }
  return blocks;
}

export function messagePreviewModal(preview: RenderedPreview): View {
  return { type: 'modal', title: plain('Message preview'), close: plain('Back'), blocks: renderedBlocks(preview) };
}
