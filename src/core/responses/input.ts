import { z } from 'zod';
import { chatId } from '../chats/input.js';
import { externalId, isoInstant } from '../validators.js';

export const responseInput = z.strictObject({
  memberId: externalId,
  chatId,
  question: z.string().min(1).max(200),
  value: z.union([z.string().max(2000), z.number().finite(), z.boolean()]).transform(String),
  answeredAt: isoInstant,
});
export type ResponseInput = z.infer<typeof responseInput>;

export const MAX_RESPONSES_PER_REQUEST = 10_000;
export const responseBulkInput = z.strictObject({ responses: z.array(responseInput).min(1).max(MAX_RESPONSES_PER_REQUEST) });
