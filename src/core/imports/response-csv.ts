// Chat responses CSV: member_id,chat_id,question,value,answered_at (any order) → ResponseInput.
import { responseInput, type ResponseInput } from '../responses/input.js';
import type { DecodedRow } from './member-csv.js';
import { quote } from './cells.js';
import { ImportFileError, type RowProblem } from './rejections.js';
import { zodRowProblems } from './zod-problems.js';

const responseFields = {
  member_id: 'memberId',
  chat_id: 'chatId',
  question: 'question',
  value: 'value',
  answered_at: 'answeredAt',
} as const;
type ResponseColumn = keyof typeof responseFields;
export const responseColumns = Object.keys(responseFields) as ResponseColumn[];

export interface ResponseColumns {
  width: number;
  index: Record<ResponseColumn, number>;
}

export function parseResponseHeader(header: string[]): ResponseColumns {
  const problems: string[] = [];
  const index: Partial<Record<ResponseColumn, number>> = {};
  header.forEach((raw, i) => {
    const name = raw.trim().toLowerCase();
    if (!Object.hasOwn(responseFields, name)) return void problems.push(`unknown column ${quote(raw.trim())}`);
    if (index[name as ResponseColumn] !== undefined) return void problems.push(`column ${quote(name)} appears twice`);
    index[name as ResponseColumn] = i;
  });
  const missing = responseColumns.filter((c) => index[c] === undefined);
  if (missing.length > 0) problems.unshift(`missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  if (problems.length > 0) throw new ImportFileError(`Bad header: ${problems.join('; ')} (a responses file has the columns ${responseColumns.join(',')})`);
  return { width: header.length, index: index as Record<ResponseColumn, number> };
}

export function decodeResponse(columns: ResponseColumns, record: string[]): DecodedRow<ResponseInput> {
  if (record.length !== columns.width) {
    return { ok: false, problems: [{ column: '(row)', message: `has ${record.length} fields, the header has ${columns.width}` }] };
  }
  const problems: RowProblem[] = [];
  const input: Record<string, string> = {};
  for (const column of responseColumns) {
    const text = record[columns.index[column]]!.trim();
    if (text === '') problems.push({ column, message: 'required' });
    input[responseFields[column]] = text;
  }
  const parsed = responseInput.safeParse(input);
  if (!parsed.success) {
    const textOf = (column: string) => input[responseFields[column as ResponseColumn]];
    return { ok: false, problems: zodRowProblems(parsed.error, responseColumnOf, problems, textOf) };
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value: parsed.data };
}

function responseColumnOf(path: readonly PropertyKey[]): string {
  return responseColumns.find((c) => responseFields[c] === path[0]) ?? String(path[0] ?? '(row)');
}
