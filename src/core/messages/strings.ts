// What participants read around a message and on our pages, in the locales we ship (en-US, fr-CA);
// any other locale falls back by language, then to English.
export interface ParticipantStrings {
  startButton: string;
  /** Why the member gets the message (names no chat: a chat's display name is not the community's). */
  footer: string;
  unsubscribeLink: string;
  smsOptOut: string;
  reminderPrefix: string;
  closedTitle: string;
  closedBody: (chat: string) => string;
  notFoundTitle: string;
  notFoundBody: string;
  unsubscribeTitle: string;
  unsubscribeBody: (community: string) => string;
  unsubscribeButton: string;
  unsubscribedTitle: string;
  unsubscribedBody: (community: string) => string;
}

const en: ParticipantStrings = {
  startButton: 'Start the chat',
  footer: 'You receive this because you take part in our research community.',
  unsubscribeLink: 'Unsubscribe',
  smsOptOut: 'Reply STOP to opt out.',
  reminderPrefix: 'Reminder: ',
  closedTitle: 'This chat is closed',
  closedBody: (chat) => `${chat} is no longer taking part. Thank you for your interest; we will invite you to the next one.`,
  notFoundTitle: 'Link not found',
  notFoundBody: 'This link is not valid. Please check that you copied the whole link from your message.',
  unsubscribeTitle: 'Unsubscribe',
  unsubscribeBody: (community) => `Stop receiving invitations to chats from ${community}?`,
  unsubscribeButton: 'Unsubscribe me',
  unsubscribedTitle: 'You are unsubscribed',
  unsubscribedBody: (community) => `You will no longer receive invitations from ${community}.`,
};

const fr: ParticipantStrings = {
  startButton: 'Commencer la conversation',
  footer: 'Vous recevez ce message parce que vous participez à notre communauté de recherche.',
  unsubscribeLink: 'Se désabonner',
  smsOptOut: 'Répondez STOP pour vous désabonner.',
  reminderPrefix: 'Rappel : ',
  closedTitle: 'Cette conversation est terminée',
  closedBody: (chat) => `${chat} n’accepte plus de participants. Merci de votre intérêt ; nous vous inviterons à la prochaine.`,
  notFoundTitle: 'Lien introuvable',
  notFoundBody: 'Ce lien n’est pas valide. Vérifiez que vous avez copié le lien complet de votre message.',
  unsubscribeTitle: 'Désabonnement',
  unsubscribeBody: (community) => `Ne plus recevoir d’invitations aux conversations de ${community} ?`,
  unsubscribeButton: 'Me désabonner',
  unsubscribedTitle: 'Vous êtes désabonné·e',
  unsubscribedBody: (community) => `Vous ne recevrez plus d’invitations de ${community}.`,
};

const byLanguage: Record<string, ParticipantStrings> = { en, fr };

export function participantStrings(locale: string): ParticipantStrings {
  return byLanguage[locale.split('-')[0]!.toLowerCase()] ?? en;
}

/** The BCP 47 tag a page declares (lang attribute): the locale itself when we have its language. */
export function pageLanguage(locale: string): string {
  return byLanguage[locale.split('-')[0]!.toLowerCase()] ? locale : 'en-US';
}
