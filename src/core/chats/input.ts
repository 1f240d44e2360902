import { z } from 'zod';
import { httpUrl, localeTag } from '../validators.js';

export const chatId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be lowercase letters, digits, - or _ (max 64), e.g. onboarding');

export const chatLocaleInput = z.strictObject({
  locale: localeTag,
  url: httpUrl,
  displayName: z.string().min(1).max(120).optional(),
  logoUrl: httpUrl.optional(),
  accentColor: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a hex colour such as #0B5FFF').optional(),
  emailSenderName: z.string().min(1).max(80).optional(),
  emailSubject: z.string().min(1).max(200).optional(),
  emailBody: z.string().min(1).max(20_000).optional(),
  smsBody: z.string().min(1).max(1600).optional(),
});
export type ChatLocaleInput = z.infer<typeof chatLocaleInput>;

const locales = z
  .array(chatLocaleInput)
  .min(1)
  .max(20)
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((l, i) => {
      if (seen.has(l.locale)) ctx.addIssue({ code: 'custom', path: [i, 'locale'], message: `locale ${l.locale} is listed twice` });
      seen.add(l.locale);
    });
  });

function defaultLocaleIsListed(chat: { defaultLocale?: string | undefined; locales?: { locale: string }[] | undefined }, ctx: z.RefinementCtx) {
  if (chat.defaultLocale && chat.locales && !chat.locales.some((l) => l.locale === chat.defaultLocale)) {
    ctx.addIssue({ code: 'custom', path: ['defaultLocale'], message: 'must be one of the chat locales' });
  }
}

export const chatInput = z
  .object({ id: chatId, name: z.string().min(1).max(120), defaultLocale: localeTag.optional(), locales })
  .superRefine(defaultLocaleIsListed);
export type ChatInput = z.infer<typeof chatInput>;

export const chatPatch = z
  .object({ name: z.string().min(1).max(120).optional(), defaultLocale: localeTag.optional(), locales: locales.optional() })
  .superRefine(defaultLocaleIsListed);
export type ChatPatch = z.infer<typeof chatPatch>;
