// The invitation most tests start from: everyone subscribed, by email, fixed times in UTC, a live
// audience; each test gives the chat, name and close time it is about and overrides the rest.
import type { InvitationCreateInput } from '../../src/core/invitations/input.js';

export function invitationInput(input: Partial<InvitationCreateInput> & Pick<InvitationCreateInput, 'chatId' | 'name' | 'closesAt'>): InvitationCreateInput {
  return {
    scheduleMode: 'fixed',
    timeZone: 'UTC',
    target: { type: 'all' },
    sameLocaleOnly: false,
    liveAudience: true,
    message: { channel: 'email' },
    ...input,
  } as InvitationCreateInput;
}
