import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { fixture } from '../support/fixtures.js';

const manifest = parse(readFileSync(new URL('../../manifest.yml', import.meta.url), 'utf8'));

describe('manifest.yml', () => {
  it("validates against Slack's published app manifest schema", () => {
    // The root schema refers to the versioned ones by URL; they are registered locally (no network).
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats.default(ajv);
    ajv.addSchema(fixture('slack-manifest-schema-v1.json'), 'https://raw.githubusercontent.com/slackapi/manifest-schema/v0.5.0/schemas/manifest.schema.1.0.0.json');
    ajv.addSchema(fixture('slack-manifest-schema-v2.json'), 'https://raw.githubusercontent.com/slackapi/manifest-schema/v0.5.0/schemas/manifest.schema.2.0.0.json');
    const validate = ajv.compile(fixture('slack-manifest-schema-root.json'));
    const valid = validate(manifest);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('the schema rejects what Slack would reject (the check is not vacuous)', () => {
    const ajv = new Ajv({ strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(fixture('slack-manifest-schema-v1.json'));
    expect(validate({ ...manifest, display_information: { description: 'no name' } })).toBe(false);
    expect(validate({ ...manifest, features: { ...manifest.features, slash_commands: [{ command: 'invite', description: 'x' }] } })).toBe(false);
  });

  it('declares both commands and interactivity on /slack/events, with only the scopes the app uses', () => {
    const commands = manifest.features.slash_commands.map((c: { command: string; url: string }) => [c.command, c.url]);
    expect(commands).toEqual([
      ['/invite', 'https://YOUR-HOST/slack/events'],
      ['/invitations', 'https://YOUR-HOST/slack/events'],
    ]);
    expect(manifest.settings.interactivity).toMatchObject({ is_enabled: true, request_url: 'https://YOUR-HOST/slack/events' });
    expect(manifest.settings.event_subscriptions).toEqual({ request_url: 'https://YOUR-HOST/slack/events', bot_events: ['app_home_opened'] });
    expect(manifest.oauth_config.scopes.bot).toEqual(['commands', 'chat:write', 'chat:write.public', 'users:read', 'users:read.email', 'usergroups:read', 'im:write']);
    expect(manifest.oauth_config.scopes.user).toBeUndefined();
  });
});
