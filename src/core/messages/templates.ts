// Message templates: placeholders and the built-in defaults used when a chat has none for a locale.

export const placeholderPattern = /\{\{\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*\}\}/g;

export function placeholdersIn(template: string): string[] {
  return [...template.matchAll(placeholderPattern)].map((m) => m[1]!);
}

export function hasLinkPlaceholder(template: string | null | undefined): boolean {
  return !!template && placeholdersIn(template).includes('link');
}

export interface MessageTemplates {
  emailSubject: string;
  emailBody: string;
  smsBody: string;
}

const defaults: Record<string, MessageTemplates> = {
  en: {
    emailSubject: '{{chat_name}}: we would love your input',
    emailBody:
      'Hi {{first_name}},\n\nWe are running a short conversation, {{chat_name}}, and would love to hear from you.\n\nStart here: {{link}}\n\nIt stays open until {{closes_at}}.',
    smsBody: '{{chat_name}}: share your thoughts in a short chat {{link}}',
  },
  fr: {
    emailSubject: '{{chat_name}} : votre avis compte',
    emailBody:
      'Bonjour {{first_name}},\n\nNous menons une courte conversation, {{chat_name}}, et aimerions avoir votre avis.\n\nCommencez ici : {{link}}\n\nElle reste ouverte jusqu’au {{closes_at}}.',
    smsBody: '{{chat_name}} : donnez votre avis en quelques minutes {{link}}',
  },
};

export function defaultTemplates(locale: string): MessageTemplates {
  return defaults[locale.split('-')[0]!] ?? defaults.en!;
}
