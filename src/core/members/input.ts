import { z } from 'zod';
import { attributeNamePattern, reservedFieldNames } from '../targeting/filter/ast.js';
import { e164Phone, emailAddress, externalId, localeTag, timeZone } from '../validators.js';

export const attributeValue = z.union([z.string().max(2000), z.number().finite(), z.boolean()]);

export const attributes = z
  .record(z.string(), attributeValue.nullable())
  .superRefine((attrs, ctx) => {
    const keys = Object.keys(attrs);
    if (keys.length > 100) ctx.addIssue({ code: 'custom', message: 'at most 100 attributes per member' });
    for (const key of keys) {
      if (!attributeNamePattern.test(key)) {
        ctx.addIssue({ code: 'custom', path: [key], message: 'attribute names start with a letter or _ and use letters, digits, _ . - (max 64)' });
      } else if (reservedFieldNames.has(key)) {
        ctx.addIssue({ code: 'custom', path: [key], message: `"${key}" is a member field, not an attribute` });
      }
    }
  })
  // null means "not set": dropped, so the attribute index never holds it.
  .transform((attrs) => Object.fromEntries(Object.entries(attrs).filter(([, v]) => v !== null)) as Record<string, string | number | boolean>);

/** A member as the API, the CSV import and the seed provide it (upsert by id). */
export const memberInput = z.strictObject({
  id: externalId,
  email: emailAddress.nullish(),
  phone: e164Phone.nullish(),
  preferredLocale: localeTag.nullish(),
  timezone: timeZone.default('UTC'),
  preferredChannel: z.enum(['email', 'sms']).nullish(),
  subscribed: z.boolean().default(true),
  attributes: attributes.default({}),
});
export type MemberInput = z.infer<typeof memberInput>;

export const MAX_MEMBERS_PER_REQUEST = 10_000;
export const memberBulkInput = z.strictObject({ members: z.array(memberInput).min(1).max(MAX_MEMBERS_PER_REQUEST) });
