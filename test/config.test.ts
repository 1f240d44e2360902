// The environment, validated once: defaults, the runner's and providers' settings, settings that
// only make sense together, and one clear line naming the variable (secrets never echoed).
import { describe, expect, it } from 'vitest';
import { ConfigError, deliverySettingsFrom, loadConfig } from '../src/config.js';

describe('config', () => {
  it('starts with no variables at all: outbox, runner every minute, quiet hours 21-8', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ RUNNER: 'on', CRON_SCHEDULE: '* * * * *', EMAIL_RATE: 500, SMS_RATE: 10, POSTMARK_MESSAGE_STREAM: 'broadcast' });
    expect(config.POSTMARK_SERVER_TOKEN).toBeUndefined();
    expect(deliverySettingsFrom(config)).toMatchObject({ smsQuietHours: { start: 21, end: 8 }, leaseMs: 300_000, reconcileAfterMs: 60_000, databaseAnswerMs: 30_000, maxAttempts: 5, largeAudience: 5000 });
  });

  it('reads the runner settings', () => {
    const settings = deliverySettingsFrom(
      loadConfig({ SMS_QUIET_HOURS: 'off', EMAIL_RATE: '0', SMS_RATE: '2.5', DELIVERY_LEASE_SECONDS: '30', FAILURE_PAUSE_RATIO: '0.5', CRON_SCHEDULE: '*/5 * * * *' }),
    );
    expect(settings).toMatchObject({ smsQuietHours: null, emailRate: 0, smsRate: 2.5, leaseMs: 30_000, failurePause: { ratio: 0.5, window: 200, minAttempts: 20 } });
  });

  const problem = (env: Record<string, string>) => {
    try {
      loadConfig(env);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as Error).message;
    }
    throw new Error('expected a ConfigError');
  };

  it('names the variable of each bad value', () => {
    expect(problem({ CRON_SCHEDULE: 'every minute' })).toMatch(/^Invalid CRON_SCHEDULE: must be a cron pattern/);
    expect(problem({ SMS_QUIET_HOURS: '9pm-8am' })).toMatch(/^Invalid SMS_QUIET_HOURS: /);
    expect(problem({ TWILIO_FROM: '555-0100' })).toMatch(/^Invalid TWILIO_FROM: must be a phone number in E\.164 form/);
    expect(problem({ TWILIO_ACCOUNT_SID: 'XX123' })).toMatch(/^Invalid TWILIO_ACCOUNT_SID: /);
    expect(problem({ DELIVERY_LEASE_SECONDS: '1' })).toMatch(/^Invalid DELIVERY_LEASE_SECONDS: /);
    expect(problem({ POSTMARK_API_URL: 'not a url' })).toMatch(/^Invalid POSTMARK_API_URL: /);
  });

  it('asks for what a provider needs, and never echoes a secret', () => {
    expect(problem({ POSTMARK_SERVER_TOKEN: 'pm-secret-value' })).toBe('Invalid POSTMARK_FROM: is required with POSTMARK_SERVER_TOKEN (a verified sender address) (got "")');
    const twilio = problem({ TWILIO_ACCOUNT_SID: `AC${'a'.repeat(32)}`, TWILIO_AUTH_TOKEN: 'tw-secret-value' });
    expect(twilio).toMatch(/^Invalid TWILIO_FROM: is required with TWILIO_ACCOUNT_SID/);
    expect(problem({ TWILIO_AUTH_TOKEN: 'tw-secret-value' })).toMatch(/^Invalid TWILIO_ACCOUNT_SID: is required/);
    const secret = problem({ COMPLETION_WEBHOOK_SECRET: 'short' });
    expect(secret).toMatch(/^Invalid COMPLETION_WEBHOOK_SECRET: .*\(value hidden\)$/);
    expect(secret).not.toContain('short');
    // A messaging service stands in for a sender number.
    expect(() => loadConfig({ TWILIO_ACCOUNT_SID: `AC${'a'.repeat(32)}`, TWILIO_AUTH_TOKEN: 'x', TWILIO_MESSAGING_SERVICE_SID: `MG${'b'.repeat(32)}` })).not.toThrow();
  });
});
