// Members CSV: header → column plan, record → validated MemberInput (README.md, "Import").
import { attributes as attributesSchema, attributeValue, memberInput, type MemberInput } from '../members/input.js';
import { attributeTypes, CellProblem, parseBooleanWord, quote, typeCell, type AttributeType, type CellValue } from './cells.js';
import { ImportFileError, type RowProblem } from './rejections.js';
import { zodRowProblems } from './zod-problems.js';

/** CSV column → field of memberInput. */
const memberFields = {
  id: 'id',
  email: 'email',
  phone: 'phone',
  preferred_locale: 'preferredLocale',
  timezone: 'timezone',
  preferred_channel: 'preferredChannel',
  subscribed: 'subscribed',
} as const;
type MemberColumn = keyof typeof memberFields;

// Every member column but preferred_channel is required: an import replaces the whole member row,
// so a file that simply forgot the email column would otherwise erase every email.
export const requiredMemberColumns: readonly MemberColumn[] = ['id', 'email', 'phone', 'preferred_locale', 'timezone', 'subscribed'];

// Attribute names are the same in every row: they are checked once, on the header, with the
// `attributes` schema, and typeCell builds each value; per row memberInput sees no attributes
// (its record check costs more than all the other fields together).
const maxAttributeLength = attributeValue.options[0].maxLength ?? Infinity;

interface AttributeColumn {
  index: number;
  header: string;
  name: string;
  type: AttributeType | undefined;
}

export interface MemberColumns {
  width: number;
  fields: Partial<Record<MemberColumn, number>>;
  attributes: AttributeColumn[];
}

function isMemberColumn(name: string): name is MemberColumn {
  return Object.hasOwn(memberFields, name);
}

export function parseMemberHeader(header: string[]): MemberColumns {
  const problems: string[] = [];
  const columns: MemberColumns = { width: header.length, fields: {}, attributes: [] };
  const seen = new Set<string>();
  header.forEach((raw, index) => {
    const text = raw.trim();
    const [rawName = '', suffix, ...extra] = text.split(':');
    const name = isMemberColumn(rawName.toLowerCase()) ? rawName.toLowerCase() : rawName;
    if (name === '') return void problems.push(`column ${index + 1} has no name`);
    if (seen.has(name)) return void problems.push(`column ${quote(name)} appears twice`);
    seen.add(name);
    if (isMemberColumn(name)) {
      if (suffix !== undefined) return void problems.push(`column ${quote(text)}: ${name} is a member field and takes no type suffix`);
      columns.fields[name] = index;
      return;
    }
    if (extra.length > 0 || (suffix !== undefined && !(attributeTypes as readonly string[]).includes(suffix))) {
      return void problems.push(`column ${quote(text)}: the type suffix must be one of ${attributeTypes.map((t) => `:${t}`).join(', ')}`);
    }
    columns.attributes.push({ index, header: text, name, type: suffix as AttributeType | undefined });
  });
  const names = attributesSchema.safeParse(Object.fromEntries(columns.attributes.map((a) => [a.name, null])));
  if (!names.success) {
    for (const issue of names.error.issues) {
      const column = columns.attributes.find((a) => a.name === issue.path[0]);
      problems.push(column ? `column ${quote(column.header)}: ${issue.message}` : issue.message);
    }
  }
  const missing = requiredMemberColumns.filter((c) => columns.fields[c] === undefined);
  if (missing.length > 0) {
    problems.unshift(`missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (a members file starts with ${requiredMemberColumns.join(',')})`);
  }
  if (problems.length > 0) throw new ImportFileError(`Bad header: ${problems.join('; ')}`);
  return columns;
}

export type DecodedRow<T> = { ok: true; value: T } | { ok: false; problems: RowProblem[] };

/** One CSV record → a member, or the problems of each offending column. */
export function decodeMember(columns: MemberColumns, record: string[]): DecodedRow<MemberInput> {
  if (record.length !== columns.width) {
    return { ok: false, problems: [{ column: '(row)', message: `has ${record.length} fields, the header has ${columns.width}` }] };
  }
  const problems: RowProblem[] = [];
  const id = memberCell(columns, record, 'id');
  if (id === undefined) problems.push({ column: 'id', message: 'required' });
  const subscribedText = memberCell(columns, record, 'subscribed');
  const subscribed = subscribedText === undefined ? true : parseBooleanWord(subscribedText);
  if (subscribed === undefined) problems.push({ column: 'subscribed', message: `must be true/false/yes/no/1/0, got ${quote(subscribedText!)}` });
  const attributes: Record<string, CellValue> = {};
  for (const a of columns.attributes) {
    const value = typeCell(record[a.index]!, a.type);
    if (value instanceof CellProblem) problems.push({ column: a.header, message: value.message });
    else if (typeof value === 'string' && value.length > maxAttributeLength) {
      problems.push({ column: a.header, message: `must be at most ${maxAttributeLength} characters` });
    } else if (value !== undefined) attributes[a.name] = value;
  }
  const parsed = memberInput.safeParse({
    id,
    email: memberCell(columns, record, 'email') ?? null,
    phone: memberCell(columns, record, 'phone') ?? null,
    preferredLocale: memberCell(columns, record, 'preferred_locale') ?? null,
    timezone: memberCell(columns, record, 'timezone'),
    preferredChannel: memberCell(columns, record, 'preferred_channel')?.toLowerCase() ?? null,
    subscribed: subscribed ?? true,
  });
  if (!parsed.success) {
    const textOf = (column: string) => (isMemberColumn(column) ? memberCell(columns, record, column) : undefined);
    return { ok: false, problems: inColumnOrder(columns, zodRowProblems(parsed.error, memberColumnOf, problems, textOf)) };
  }
  if (problems.length > 0) return { ok: false, problems: inColumnOrder(columns, problems) };
  parsed.data.attributes = attributes;
  return { ok: true, value: parsed.data };
}

function memberCell(columns: MemberColumns, record: string[], column: MemberColumn): string | undefined {
  const i = columns.fields[column];
  const text = i === undefined ? '' : record[i]!.trim();
  return text === '' ? undefined : text;
}

function inColumnOrder(columns: MemberColumns, problems: RowProblem[]): RowProblem[] {
  const position = (p: RowProblem) =>
    isMemberColumn(p.column) ? (columns.fields[p.column] ?? -1) : (columns.attributes.find((a) => a.header === p.column)?.index ?? -1);
  return problems.sort((a, b) => position(a) - position(b));
}

function memberColumnOf(path: readonly PropertyKey[]): string {
  const field = path[0];
  return Object.entries(memberFields).find(([, f]) => f === field)?.[0] ?? String(field ?? '(row)');
}
