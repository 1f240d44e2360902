// Who an invitation targets, as the API, the Slack modal and the CLI give it, and as it is stored.
import { z } from 'zod';
import { ValidationError } from '../errors.js';
import { externalId } from '../validators.js';
import { filterSchema, type Filter } from './filter/ast.js';
import { parseFilter } from './filter/parse.js';
import { validateFilter } from './filter/validate.js';

export const MAX_TARGET_IDS = 50_000;

const filterSource = z.strictObject({
  type: z.literal('filter'),
  filter: filterSchema.optional().describe('The filter as a JSON AST (what the Slack modal builds).'),
  expression: z.string().min(1, 'is empty: write a filter, e.g. country = "CA"').max(20_000).optional().describe('The filter in the text language, e.g. country = "CA" and age >= 18.'),
});

export const targetInput = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('all') }).describe('All subscribed members.'),
  filterSource.describe('Members matching a custom filter (give `filter` or `expression`).'),
  z
    .strictObject({
      type: z.literal('members'),
      ids: z
        .union([z.array(z.string()).max(MAX_TARGET_IDS), z.string().max(5_000_000)])
        .describe('Member IDs: an array, or pasted text separated by commas, spaces or new lines.'),
    })
    .describe('Specific member IDs.'),
  z
    .strictObject({
      type: z.literal('sample'),
      size: z.number().int().min(1).max(10_000_000).optional(),
      percent: z.number().gt(0).max(100).optional(),
      from: z.discriminatedUnion('type', [z.strictObject({ type: z.literal('all') }), filterSource]).default({ type: 'all' }),
      seed: z.string().min(1).max(64).optional().describe('Reproduces a draw; generated and stored when absent.'),
    })
    .describe('A uniform random sample of N members or P percent, without replacement.'),
]);
export type TargetInput = z.input<typeof targetInput>;

export type FilterTarget = { type: 'filter'; filter: Filter; expression?: string };
export type PoolTarget = { type: 'all' } | FilterTarget;
export type Target =
  | PoolTarget
  | { type: 'members'; ids: string[] }
  | { type: 'sample'; size?: number; percent?: number; from: PoolTarget; seed: string };

export function parseMemberIds(ids: string[] | string): string[] {
  const list = typeof ids === 'string' ? ids.split(/[\s,;]+/) : ids.map((s) => s.trim());
  return [...new Set(list.filter((s) => s.length > 0))];
}

function normalizeFilterSource(source: { filter?: unknown; expression?: string | undefined }, path: string): FilterTarget {
  if ((source.filter === undefined) === (source.expression === undefined)) {
    throw new ValidationError([{ path: `${path}.filter`, message: 'give either filter (JSON) or expression (text), not both or neither' }]);
  }
  if (source.expression !== undefined) {
    return { type: 'filter', filter: parseFilter(source.expression, `${path}.expression`), expression: source.expression };
  }
  return { type: 'filter', filter: validateFilter(source.filter, `${path}.filter`) };
}

function randomSeed(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Turns a validated target input into its stored form: filters parsed, ids deduplicated, a sample seed fixed. */
export function normalizeTarget(input: TargetInput, path = 'target'): Target {
  switch (input.type) {
    case 'all':
      return { type: 'all' };
    case 'filter':
      return normalizeFilterSource(input, path);
    case 'members': {
      const ids = parseMemberIds(input.ids);
      if (ids.length === 0) throw new ValidationError([{ path: `${path}.ids`, message: 'list at least one member ID' }]);
      if (ids.length > MAX_TARGET_IDS) throw new ValidationError([{ path: `${path}.ids`, message: `at most ${MAX_TARGET_IDS} IDs` }]);
      const bad = ids.findIndex((id) => !externalId.safeParse(id).success);
      if (bad >= 0) throw new ValidationError([{ path: `${path}.ids`, message: `"${ids[bad]!.slice(0, 64)}" is not a valid member ID` }]);
      return { type: 'members', ids };
    }
    case 'sample': {
      if ((input.size === undefined) === (input.percent === undefined)) {
        throw new ValidationError([{ path: `${path}.size`, message: 'give either size (a number of members) or percent' }]);
      }
      const from = !input.from || input.from.type === 'all' ? ({ type: 'all' } as const) : normalizeFilterSource(input.from, `${path}.from`);
      return {
        type: 'sample',
        ...(input.size !== undefined ? { size: input.size } : { percent: input.percent! }),
        from,
        seed: input.seed ?? randomSeed(),
      };
    }
  }
}
