// SLACK_MANAGERS: who may create, edit and close invitations. Entries are user IDs (U…, W…) or
// user-group IDs (S…), whose current members are asked from Slack when needed.
import type { WebClient } from '@slack/web-api';

export async function isManager(client: WebClient, managers: string[], userId: string): Promise<boolean> {
  if (managers.length === 0 || managers.includes(userId)) return true;
  for (const group of managers.filter((id) => id.startsWith('S'))) {
    const result = await client.usergroups.users.list({ usergroup: group });
    if (result.users?.includes(userId)) return true;
  }
  return false;
}
