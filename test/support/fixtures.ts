// Real payloads and test vectors of Slack, Postmark and Twilio (test/fixtures/README.md).
import { readFileSync } from 'node:fs';

/** The whole fixture file: { source, note, data }. */
export function fixtureFile(name: string): { source: string; note: string; data: any } {
  return JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8'));
}

/** The fixture's data. */
export function fixture(name: string): any {
  return fixtureFile(name).data;
}
