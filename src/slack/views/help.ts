// `/invite help` and `/invitations help`.
export const helpText = [
  '*Invitations* deliver a research chat to community members by email or SMS.',
  '• `/invite` opens the form for a new invitation; `/invite Onboarding` preselects that chat.',
  '• `/invitations` lists invitations, newest first; narrow it with a status (`scheduled`, `open`, `closed`), a locale (`fr-CA`) and/or a chat: `/invitations open fr-CA onboarding`.',
  '• Each invitation keeps a status summary up to date in its channel, with the history in its thread.',
  '• While it sends, the summary’s buttons pause and resume it, send a reminder now, or retry the failed messages.',
].join('\n');
