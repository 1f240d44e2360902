import { describe, expect, it } from 'vitest';
import { measureSms } from '../../src/core/messages/sms-segments.js';
import { fixtureFile } from '../support/fixtures.js';

const rules = fixtureFile('sms-segment-rules.json') as unknown as {
  data: { vectors: { description: string; body: string; encoding: string; segments: number; characters?: number }[] };
};

describe('SMS segments (Twilio calculator vectors)', () => {
  it.each(rules.data.vectors.map((v) => [v.description, v] as const))('%s', (_, v) => {
    const measured = measureSms(v.body);
    expect(measured.encoding).toBe(v.encoding);
    expect(measured.segments).toBe(v.segments);
    if (v.characters !== undefined) expect(measured.characters).toBe(v.characters);
  });

  it('counts an empty body as zero segments', () => {
    expect(measureSms('').segments).toBe(0);
  });
});
