// The documented typing rule for CSV profile attributes (README.md, "Import"), kept apart from the
// CSV plumbing so the API, the seed and the tests can share one meaning of "42" or "007".

export const attributeTypes = ['string', 'number', 'boolean', 'date'] as const;
export type AttributeType = (typeof attributeTypes)[number];
export type CellValue = string | number | boolean;

/** A cell that cannot be read as its column's type; the message is shown to the person importing. */
export class CellProblem {
  constructor(readonly message: string) {}
}

// No leading zeros and no exponent, so zip codes such as 02134 and ids such as 1e5 stay strings.
const inferredNumber = /^-?(0|[1-9]\d*)(\.\d+)?$/;
// A forced number may be written any way a spreadsheet writes it.
const forcedNumber = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
// Forms SQLite's julianday() reads, so a forced date always lands in the index as a date.
const isoDate = /^(\d{4})-(\d{2})-(\d{2})([T ]([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)?)?$/;

const booleanWords = new Map([
  ['true', true],
  ['false', false],
  ['yes', true],
  ['no', false],
  ['1', true],
  ['0', false],
]);

/** true/false/yes/no/1/0 in any case; undefined when the text is none of them. */
export function parseBooleanWord(text: string): boolean | undefined {
  return booleanWords.get(text) ?? booleanWords.get(text.toLowerCase());
}

export function isIsoDate(text: string): boolean {
  const m = isoDate.exec(text);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const d = new Date(Date.UTC(year, month - 1, day));
  // Date.UTC rolls 2024-02-30 over to March: a real calendar date survives the round trip.
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

/**
 * The value of one attribute cell: undefined when empty (not set), a CellProblem when a forced
 * type does not fit. Without a forced type: true/false → boolean, plain decimals → number,
 * anything else → string (the attribute index then types ISO-date strings as dates).
 */
export function typeCell(raw: string, forced: AttributeType | undefined): CellValue | CellProblem | undefined {
  const text = raw.trim();
  if (text === '') return undefined;
  switch (forced) {
    case undefined: {
      if (inferredNumber.test(text)) return Number(text);
      const lower = text.length <= 5 ? text.toLowerCase() : '';
      if (lower === 'true') return true;
      if (lower === 'false') return false;
      return text;
    }
    case 'string':
      return text;
    case 'number': {
      const n = Number(text);
      return forcedNumber.test(text) && Number.isFinite(n) ? n : new CellProblem(`must be a number, got ${quote(text)}`);
    }
    case 'boolean': {
      const b = parseBooleanWord(text);
      return b ?? new CellProblem(`must be true/false/yes/no/1/0, got ${quote(text)}`);
    }
    case 'date':
      return isIsoDate(text) ? text : new CellProblem(`must be an ISO date such as 2024-03-31, got ${quote(text)}`);
  }
}

export function quote(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text);
}
