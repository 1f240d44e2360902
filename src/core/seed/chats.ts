// The demo chats: one single-locale, one bilingual with every per-locale setting, one more.
import type { ChatInput } from '../chats/input.js';

export const seedChats: ChatInput[] = [
  {
    id: 'onboarding',
    name: 'Onboarding',
    locales: [
      {
        locale: 'en-US',
        url: 'https://chats.example.com/onboarding',
        displayName: 'Getting started',
        emailSenderName: 'The Community Team',
        emailSubject: '{{first_name}}, how are your first weeks going?',
        emailBody:
          'Hi {{first_name}},\n\nWe would love to hear how your first weeks went. {{chat_name}} takes about five minutes: {{link}}\n\nIt is open until {{closes_at}}.\n\nThanks!',
        smsBody: 'Hi {{first_name}}, 5 minutes for {{chat_name}}? {{link}} (open until {{closes_at}})',
      },
    ],
  },
  {
    id: 'product-feedback',
    name: 'Product feedback',
    defaultLocale: 'en-US',
    locales: [
      {
        locale: 'en-US',
        url: 'https://chats.example.com/en/product-feedback',
        displayName: 'Product feedback',
        logoUrl: 'https://assets.example.com/logos/product-feedback-en.png',
        accentColor: '#0B5FFF',
        emailSenderName: 'The Product Team',
        emailSubject: '{{first_name}}, tell us what you think of {{chat_name}}',
        emailBody:
          'Hi {{first_name}},\n\nWe are improving the product and your opinion matters. Join the conversation: {{link}}\n\nThe chat closes on {{closes_at}}.',
        smsBody: '{{first_name}}, share your feedback in {{chat_name}}: {{link}} (until {{closes_at}})',
      },
      {
        locale: 'fr-CA',
        url: 'https://chats.example.com/fr/commentaires-produit',
        displayName: 'Commentaires sur le produit',
        logoUrl: 'https://assets.example.com/logos/product-feedback-fr.png',
        accentColor: '#C8102E',
        emailSenderName: "L'équipe produit",
        emailSubject: '{{first_name}}, que pensez-vous de {{chat_name}} ?',
        emailBody:
          'Bonjour {{first_name}},\n\nNous améliorons le produit et votre avis compte. Participez à la conversation : {{link}}\n\nLa conversation se termine le {{closes_at}}.',
        smsBody: '{{first_name}}, donnez votre avis dans {{chat_name}} : {{link}} (jusqu’au {{closes_at}})',
      },
    ],
  },
  {
    id: 'pricing-study',
    name: 'Pricing study',
    defaultLocale: 'en-US',
    locales: [
      {
        locale: 'en-US',
        url: 'https://chats.example.com/en/pricing-study',
        displayName: 'Plans and pricing',
        accentColor: '#1B7F3B',
        emailSenderName: 'Research at Example',
        emailSubject: '{{first_name}}, help us shape our plans',
        emailBody: 'Hi {{first_name}},\n\nA ten-minute chat about plans and pricing: {{link}}\n\nOpen until {{closes_at}}.',
        smsBody: '{{chat_name}}: 10 minutes about plans and pricing {{link}}',
      },
      {
        locale: 'fr-CA',
        url: 'https://chats.example.com/fr/etude-prix',
        displayName: 'Forfaits et prix',
        accentColor: '#1B7F3B',
        emailSenderName: 'Recherche chez Example',
        emailSubject: '{{first_name}}, aidez-nous à définir nos forfaits',
        emailBody: 'Bonjour {{first_name}},\n\nDix minutes pour parler forfaits et prix : {{link}}\n\nOuvert jusqu’au {{closes_at}}.',
        smsBody: '{{chat_name}} : 10 minutes sur nos forfaits {{link}}',
      },
    ],
  },
];

/** Questions each chat asks, with the answers the demo members give (weights shape the spread). */
export const seedQuestions: Record<string, Record<string, readonly (readonly [string, number])[]>> = {
  onboarding: {
    role: [['designer', 2], ['engineer', 4], ['researcher', 2], ['product manager', 2], ['student', 1]],
    team_size: [['1', 2], ['2-10', 4], ['11-50', 3], ['51-200', 2], ['200+', 1]],
    heard_from: [['friend', 3], ['search', 3], ['social media', 2], ['conference', 1]],
  },
  'product-feedback': {
    nps: [['0', 1], ['3', 1], ['5', 2], ['6', 2], ['7', 3], ['8', 4], ['9', 4], ['10', 3]],
    uses_mobile: [['true', 3], ['false', 2]],
    favourite_feature: [['search', 3], ['sharing', 2], ['reports', 2], ['integrations', 1]],
  },
  'pricing-study': {
    willing_to_pay: [['0', 2], ['5', 3], ['10', 3], ['20', 2], ['50', 1]],
    billing: [['monthly', 3], ['yearly', 2]],
  },
};
