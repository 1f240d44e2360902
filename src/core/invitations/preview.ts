// The audience preview for a target that may not be saved yet (the API and the Slack modal).
import { z } from 'zod';
import { messageChannels } from '../../db/schema.js';
import { chatId } from '../chats/input.js';
import type { CoreDeps } from '../deps.js';
import { previewAudience, type AudiencePreview } from '../targeting/audience.js';
import { normalizeTarget, targetInput } from '../targeting/target.js';
import { localeTag } from '../validators.js';
import { engagementLocale } from './prepare.js';
import { audienceSpecOf, getInvitation, loadChatFor } from './service.js';

export const audiencePreviewInput = z.strictObject({
  chatId,
  locale: localeTag.optional(),
  channel: z.enum(messageChannels).default('email'),
  target: targetInput,
  sameLocaleOnly: z.boolean().default(false),
  /** Echoed back so the preview can say whether its count will be redone at opening time. */
  liveAudience: z.boolean().default(true),
  cooldownDays: z.number().int().min(0).max(365).nullish(),
  /** When editing an invitation: its own participations do not count as duplicates. */
  invitationId: z.string().max(64).optional(),
  examples: z.number().int().min(0).max(20).default(5),
});
export type AudiencePreviewInput = z.infer<typeof audiencePreviewInput>;

export interface AudiencePreviewResult extends AudiencePreview {
  /** true: counted now, resolved again when the invitation opens; false: this is the frozen audience. */
  liveAudience: boolean;
  computedAt: string;
  tookMs: number;
}

export async function previewUnsavedAudience(deps: CoreDeps, input: AudiencePreviewInput): Promise<AudiencePreviewResult> {
  const started = Date.now();
  const chat = await loadChatFor(deps, input.chatId);
  const locale = engagementLocale(chat, input.locale);
  const now = deps.clock.now();
  const preview = await previewAudience(
    deps.db,
    {
      invitationId: input.invitationId ?? null,
      chatId: chat.id,
      locale,
      channel: input.channel,
      target: normalizeTarget(input.target),
      sameLocaleOnly: input.sameLocaleOnly,
      cooldownDays: input.cooldownDays ?? deps.settings.cooldownDays,
    },
    now,
    input.examples,
  );
  return { ...preview, liveAudience: input.liveAudience, computedAt: new Date(now).toISOString(), tookMs: Date.now() - started };
}

/** Preview of a saved invitation: its frozen audience counts as it stands, a live one is counted now. */
export async function previewSavedAudience(deps: CoreDeps, id: string): Promise<AudiencePreviewResult> {
  const started = Date.now();
  const invitation = await getInvitation(deps.db, id);
  const now = deps.clock.now();
  const preview = await previewAudience(deps.db, audienceSpecOf(invitation, deps.settings.cooldownDays), now);
  return { ...preview, liveAudience: invitation.liveAudience, computedAt: new Date(now).toISOString(), tookMs: Date.now() - started };
}
