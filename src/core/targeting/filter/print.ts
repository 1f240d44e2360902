// The canonical text of a filter: what the UI shows and stores next to the AST.
// parseFilter(printFilter(f)) deep-equals normalizeFilter(f) for every valid filter (a property test holds us to it).
import type { ComparisonOp, FieldCondition, Filter, ScalarValue } from './ast.js';
import { reservedWords } from './parse.js';

const symbols: Record<ComparisonOp, string> = { eq: '=', neq: '!=', lt: '<', lte: '<=', gt: '>', gte: '>=' };

/** Flattens nested groups of the same type and unwraps single-child groups, at every level. */
export function normalizeFilter(f: Filter): Filter {
  if (f.type === 'not') return { type: 'not', condition: normalizeFilter(f.condition) };
  if (f.type !== 'and' && f.type !== 'or') return f;
  const conditions = f.conditions.map(normalizeFilter).flatMap((c) => (c.type === f.type ? (c as typeof f).conditions : [c]));
  return conditions.length === 1 ? conditions[0]! : { type: f.type, conditions };
}

function printNumber(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`cannot print ${n}`);
  // String() gives the shortest text that reads back as the same number (1e+21, 5e-324), except -0.
  return Object.is(n, -0) ? '-0' : String(n);
}

function printValue(v: ScalarValue): string {
  return typeof v === 'string' ? JSON.stringify(v) : typeof v === 'number' ? printNumber(v) : String(v);
}

function printField(name: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !reservedWords.has(name.toLowerCase())) return name;
  if (name.includes('`')) throw new Error(`cannot print field name ${JSON.stringify(name)}`);
  return `\`${name}\``;
}

function printCall(name: string, args: (string | undefined)[]): string {
  return `${name}(${args.filter((a): a is string => a !== undefined).map((a) => JSON.stringify(a)).join(', ')})`;
}

function printFieldCondition(f: FieldCondition): string {
  const field = printField(f.field);
  switch (f.op) {
    case 'in':
    case 'not_in':
      return `${field} ${f.op === 'in' ? 'in' : 'not in'} (${f.values.map(printValue).join(', ')})`;
    case 'between':
      return `${field} between ${printValue(f.min)} and ${printValue(f.max)}`;
    case 'within_last_days':
      return `${field} within last ${printNumber(f.days)} days`;
    case 'is_set':
      return `${field} is set`;
    case 'is_not_set':
      return `${field} is not set`;
    case 'contains':
    case 'starts_with':
    case 'before':
    case 'after':
      return `${field} ${f.op} ${printValue(f.value)}`;
    default:
      return `${field} ${symbols[f.op]} ${printValue(f.value)}`;
  }
}

const precedence = { or: 1, and: 2, not: 3, leaf: 4 } as const;

function print(f: Filter, min: number): string {
  let text: string;
  let level: number;
  switch (f.type) {
    case 'and':
    case 'or':
      if (f.conditions.length === 0) throw new Error(`cannot print an empty ${f.type} group`);
      level = precedence[f.type];
      text = f.conditions.map((c) => print(c, level)).join(` ${f.type} `);
      break;
    case 'not':
      level = precedence.not;
      text = `not ${print(f.condition, level)}`;
      break;
    case 'field':
      return printFieldCondition(f);
    case 'response':
      return printCall('answered', [f.chat, f.question, f.value]);
    case 'participation':
      return printCall(f.event, [f.chat]);
    case 'metric':
      return `${f.metric}${f.chat === undefined ? '' : printCall('', [f.chat])} ${symbols[f.op]} ${printNumber(f.value)}`;
  }
  return level < min ? `(${text})` : text;
}

/** Canonical text: lowercase keywords, parentheses only where precedence needs them. */
export function printFilter(f: Filter): string {
  return print(normalizeFilter(f), 0);
}
