// The filter AST: the one meaning behind both forms of a custom filter (this JSON, which the API
// and the Slack modal produce, and the text language in ./parse.ts). Semantics are in README
// ("Filter language") and are what ./compile.ts (SQL) and the tests' in-memory oracle implement.
import { z } from 'zod';

/** Member columns a filter can read directly; every other field name is a profile attribute. */
export const coreFields = {
  id: { column: 'external_id', kind: 'text' },
  email: { column: 'email', kind: 'text' },
  phone: { column: 'phone', kind: 'text' },
  preferred_locale: { column: 'preferred_locale', kind: 'text' },
  timezone: { column: 'time_zone', kind: 'text' },
  preferred_channel: { column: 'preferred_channel', kind: 'text' },
  subscribed: { column: 'subscribed', kind: 'boolean' },
  created_at: { column: 'created_at', kind: 'date' },
  updated_at: { column: 'updated_at', kind: 'date' },
} as const;
export type CoreField = keyof typeof coreFields;

export const metricNames = ['completions', 'days_since_last_invited'] as const;
export type MetricName = (typeof metricNames)[number];

/** Names that can never be profile attributes (they mean something else in a filter or a CSV). */
export const reservedFieldNames: ReadonlySet<string> = new Set([...Object.keys(coreFields), ...metricNames]);

export const attributeNamePattern = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;
export const fieldName = z
  .string()
  .regex(attributeNamePattern, 'must start with a letter or _ and use only letters, digits, _ . - (max 64)');

export const scalarValue = z.union([z.string().max(500), z.number().finite(), z.boolean()]);
export type ScalarValue = z.infer<typeof scalarValue>;
const orderedValue = z.union([z.string().max(500), z.number().finite()]);
const chatId = z.string().min(1).max(64);

export const comparisonOps = ['eq', 'neq', 'lt', 'lte', 'gt', 'gte'] as const;
export type ComparisonOp = (typeof comparisonOps)[number];

const fieldCondition = z.discriminatedUnion('op', [
  z.object({ type: z.literal('field'), field: fieldName, op: z.enum(comparisonOps), value: scalarValue }),
  z.object({
    type: z.literal('field'),
    field: fieldName,
    op: z.enum(['in', 'not_in']),
    values: z.array(scalarValue).min(1).max(1000),
  }),
  z.object({ type: z.literal('field'), field: fieldName, op: z.enum(['contains', 'starts_with']), value: z.string().min(1).max(500) }),
  z.object({ type: z.literal('field'), field: fieldName, op: z.literal('between'), min: orderedValue, max: orderedValue }),
  // value: an ISO date or date-time string (YYYY-MM-DD[THH:MM[:SS[.sss]]][Z|±HH:MM])
  z.object({ type: z.literal('field'), field: fieldName, op: z.enum(['before', 'after']), value: z.string().min(10).max(40) }),
  z.object({ type: z.literal('field'), field: fieldName, op: z.literal('within_last_days'), days: z.number().int().min(0).max(36500) }),
  z.object({ type: z.literal('field'), field: fieldName, op: z.enum(['is_set', 'is_not_set']) }),
]);

/** Answered question Q of chat C (with value V when given). "Did not answer" is `not` around it. */
const responseCondition = z.object({
  type: z.literal('response'),
  chat: chatId,
  question: z.string().min(1).max(200),
  value: z.string().max(500).optional(),
});

/** Invited to / clicked / completed chat C, or any chat when `chat` is absent. */
const participationCondition = z.object({
  type: z.literal('participation'),
  event: z.enum(['invited', 'clicked', 'completed']),
  chat: chatId.optional(),
});

/**
 * completions: number of completed invitations (of `chat` when given).
 * days_since_last_invited: whole days since the member was last targeted; a member never invited
 * satisfies gt/gte/neq and nothing else.
 */
const metricCondition = z.object({
  type: z.literal('metric'),
  metric: z.enum(metricNames),
  chat: chatId.optional(),
  op: z.enum(comparisonOps),
  value: z.number().int().min(0).max(1_000_000),
});

export type FieldCondition = z.infer<typeof fieldCondition>;
export type ResponseCondition = z.infer<typeof responseCondition>;
export type ParticipationCondition = z.infer<typeof participationCondition>;
export type MetricCondition = z.infer<typeof metricCondition>;
export type Condition = FieldCondition | ResponseCondition | ParticipationCondition | MetricCondition;
export type Group = { type: 'and' | 'or'; conditions: Filter[] };
export type Not = { type: 'not'; condition: Filter };
export type Filter = Condition | Group | Not;

export const MAX_FILTER_DEPTH = 12;
export const MAX_FILTER_CONDITIONS = 200;

const groupCondition = z.object({
  type: z.enum(['and', 'or']),
  get conditions(): z.ZodArray<z.ZodType<Filter>> {
    return z.array(filterSchema).min(1).max(MAX_FILTER_CONDITIONS);
  },
});

const notCondition = z.object({
  type: z.literal('not'),
  get condition(): z.ZodType<Filter> {
    return filterSchema;
  },
});

/** Structure only; depth, size and per-field rules are checked by validateFilter in ./validate.ts. */
export const filterSchema: z.ZodType<Filter> = z.discriminatedUnion('type', [
  fieldCondition,
  responseCondition,
  participationCondition,
  metricCondition,
  groupCondition,
  notCondition,
]).meta({ id: 'Filter', description: 'A custom filter: conditions combined with and / or / not.' }); // the id lets OpenAPI reference the recursion
