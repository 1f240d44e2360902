// What the Slack adapter needs besides the core: Slack credentials, the Web API client settings
// and the workspace's rules (who manages invitations, what counts as a large audience).
import type { Providers } from '../core/delivery/providers.js';
import type { CoreDeps } from '../core/deps.js';

export interface SlackSettings {
  signingSecret: string;
  botToken: string;
  /** Replaces https://slack.com/api/ (tests point it at a local Slack-compatible server). */
  apiUrl?: string;
  /** Requests from any other workspace are refused. */
  teamId?: string;
  /** User IDs (U…/W…) and user-group IDs (S…) who may create, edit and close; empty: everyone. */
  managers: string[];
  /** Audiences above this need a second manager's approval before they open. */
  largeAudience: number;
}

export interface SlackDeps extends CoreDeps {
  slack: SlackSettings;
  /** The runner's email and SMS providers, for "Send test"; without them the test is a Slack DM. */
  providers?: Providers;
}
