// The text form of a filter: a tokenizer and a recursive-descent parser producing the AST of ./ast.ts,
// normalized (same-type groups flattened, no single-child groups). The result is then checked by
// ./validate.ts, and any problem is reported at its line and column in the text.
// Grammar and semantics: README.md, "Filter language".
import { ValidationError } from '../../errors.js';
import { MAX_FILTER_DEPTH, metricNames, type ComparisonOp, type Filter, type MetricName, type ScalarValue } from './ast.js';
import { checkFilter, type ProblemPath } from './validate.js';

export const filterKeywords = [
  'and', 'or', 'not', 'in', 'contains', 'starts_with', 'between', 'before', 'after',
  'within', 'last', 'days', 'is', 'set', 'true', 'false',
] as const;
export const filterFunctions = ['answered', 'invited', 'clicked', 'completed'] as const;

/** Words (any case) that are never bare field names; `backticks` make a field of that name. */
export const reservedWords: ReadonlySet<string> = new Set<string>([...filterKeywords, ...filterFunctions, ...metricNames]);

export class FilterSyntaxError extends ValidationError {
  constructor(
    /** 0-based offset in the text. */
    readonly position: number,
    readonly line: number,
    readonly column: number,
    readonly expected: string[],
    /** The text found at `position`, or "end of input". */
    readonly found: string,
    path: string,
    reason: string,
  ) {
    super([{ path, message: `line ${line}, column ${column}: ${reason}` }]);
    this.name = 'FilterSyntaxError';
  }
}

type TokenKind = 'word' | 'field' | 'string' | 'number' | 'punct' | 'end';
interface Token {
  kind: TokenKind;
  /** Source text of the token. */
  text: string;
  /** Decoded value: the string, the number, or the field name inside backticks. */
  value: string | number;
  start: number;
  end: number;
}

type Span = [number, number];
/** Where each part of an AST node came from: '' is the whole node, other keys are paths inside it ('value', 'values.2'). */
type Spans = Record<string, Span>;

const comparisonSymbols: Record<string, ComparisonOp> = {
  '=': 'eq', '==': 'eq', '!=': 'neq', '<>': 'neq', '<': 'lt', '<=': 'lte', '>': 'gt', '>=': 'gte',
};
const comparisonList = '=, !=, <, <=, >, >=';
const fieldOperators = ['=', '!=', '<', '<=', '>', '>=', 'in', 'not in', 'contains', 'starts_with', 'between', 'before', 'after', 'within', 'is'];
const conditionStart = ['a field', 'a function', 'a metric', 'not', '('];
const literalKinds = ['a string', 'a number', 'true', 'false'];
const escapes: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

function oneOf(items: string[]): string {
  const shown = items.map((i) => (/^(an? |end of input)/.test(i) ? i : JSON.stringify(i)));
  return shown.length > 1 ? `${shown.slice(0, -1).join(', ')} or ${shown.at(-1)}` : (shown[0] ?? '');
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

class Parser {
  private tok: Token;
  private prevEnd = 0;
  private depth = 0;
  readonly spans = new WeakMap<object, Spans>();

  constructor(
    private readonly text: string,
    private readonly path: string,
  ) {
    this.tok = this.lex(0);
  }

  // ---- errors ----

  error(position: number, expected: string[], found: string, reason: string): FilterSyntaxError {
    const before = this.text.slice(0, position);
    const line = before.split('\n').length;
    const column = position - before.lastIndexOf('\n');
    return new FilterSyntaxError(position, line, column, expected, found, this.path, reason);
  }

  private fail(tok: Token, expected: string[], what?: string, hint?: string): never {
    const found = tok.kind === 'end' ? 'end of input' : tok.text;
    const shown = tok.kind === 'end' ? 'end of input' : tok.kind === 'string' ? `the string ${clip(tok.text)}` : JSON.stringify(clip(tok.text));
    throw this.error(tok.start, expected, found, `expected ${what ?? oneOf(expected)}, found ${shown}${hint ? ` (${hint})` : ''}`);
  }

  // ---- tokens ----

  private lex(from: number): Token {
    const text = this.text;
    let pos = from;
    while (pos < text.length && ' \t\r\n'.includes(text[pos]!)) pos++;
    const token = (kind: TokenKind, end: number, value?: string | number): Token => {
      const raw = text.slice(pos, end);
      return { kind, text: raw, value: value ?? raw, start: pos, end };
    };
    if (pos >= text.length) return token('end', pos);
    const ch = text[pos]!;
    const word = /[A-Za-z_][A-Za-z0-9_]*/y;
    word.lastIndex = pos;
    if (word.test(text)) return token('word', word.lastIndex);
    if (ch === '"') return this.lexString(pos);
    if (ch === '`') {
      const close = text.indexOf('`', pos + 1);
      const newline = text.indexOf('\n', pos + 1);
      if (close < 0 || (newline >= 0 && newline < close)) {
        throw this.error(pos, ['`'], close < 0 ? 'end of input' : 'end of line', 'unterminated field name: expected a closing `');
      }
      return token('field', close + 1, text.slice(pos + 1, close));
    }
    const number = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    number.lastIndex = pos;
    if (number.test(text)) {
      let end = number.lastIndex;
      if (end < text.length && /[A-Za-z0-9_.]/.test(text[end]!)) {
        while (end < text.length && /[A-Za-z0-9_.+-]/.test(text[end]!)) end++;
        throw this.error(pos, ['a number'], text.slice(pos, end), `invalid number ${JSON.stringify(clip(text.slice(pos, end)))}`);
      }
      const value = Number(text.slice(pos, end));
      if (!Number.isFinite(value)) throw this.error(pos, ['a number'], text.slice(pos, end), 'number out of range');
      return token('number', end, value);
    }
    const two = text.slice(pos, pos + 2);
    if (Object.hasOwn(comparisonSymbols, two)) return token('punct', pos + 2);
    if ('()=<>,'.includes(ch)) return token('punct', pos + 1);
    const hint = '.-'.includes(ch) && /[A-Za-z0-9_]/.test(text[pos - 1] ?? '') ? ' (names with . or - go in backticks: `plan.tier`)' : '';
    throw this.error(pos, [], ch, `unexpected character ${JSON.stringify(ch)}${hint}`);
  }

  /** JSON string syntax, so JSON.stringify output always reads back. */
  private lexString(start: number): Token {
    const text = this.text;
    let value = '';
    let pos = start + 1;
    for (;;) {
      if (pos >= text.length || text[pos] === '\n' || text[pos] === '\r') {
        const found = pos >= text.length ? 'end of input' : 'end of line';
        throw this.error(start, ['"'], found, `unterminated string: expected a closing " before the ${found}`);
      }
      const ch = text[pos]!;
      if (ch === '"') break;
      if (ch !== '\\') {
        value += ch;
        pos++;
        continue;
      }
      const next = text[pos + 1] ?? '';
      const hex = /^[0-9A-Fa-f]{4}$/;
      if (Object.hasOwn(escapes, next)) {
        value += escapes[next];
        pos += 2;
      } else if (next === 'u' && hex.test(text.slice(pos + 2, pos + 6))) {
        value += String.fromCharCode(parseInt(text.slice(pos + 2, pos + 6), 16));
        pos += 6;
      } else {
        const bad = text.slice(pos, next === 'u' ? pos + 6 : pos + 2);
        throw this.error(pos, ['\\"', '\\\\', '\\n', '\\t', '\\uXXXX'], bad, `invalid escape ${bad} in string (use \\" \\\\ \\n \\t or \\uXXXX)`);
      }
    }
    return { kind: 'string', text: text.slice(start, pos + 1), value, start, end: pos + 1 };
  }

  private advance(): Token {
    const tok = this.tok;
    this.prevEnd = tok.end;
    this.tok = this.lex(tok.end);
    return tok;
  }

  private isWord(word: string): boolean {
    return this.tok.kind === 'word' && this.tok.text.toLowerCase() === word;
  }

  private isPunct(p: string): boolean {
    return this.tok.kind === 'punct' && this.tok.text === p;
  }

  private expectWord(word: string, expected = [word]): Token {
    if (!this.isWord(word)) this.fail(this.tok, expected);
    return this.advance();
  }

  private expectPunct(p: string, expected = [p]): Token {
    if (!this.isPunct(p)) this.fail(this.tok, expected);
    return this.advance();
  }

  private enter(tok: Token): void {
    if (++this.depth > MAX_FILTER_DEPTH) {
      throw this.error(tok.start, [], tok.text, `nesting is deeper than ${MAX_FILTER_DEPTH} levels`);
    }
  }

  private node<T extends object>(node: T, start: number, parts: Spans = {}): T {
    this.spans.set(node, { '': [start, this.prevEnd], ...parts });
    return node;
  }

  // ---- grammar: or < and < not < primary ----

  parse(): Filter {
    const filter = this.parseOr();
    if (this.tok.kind !== 'end') this.fail(this.tok, ['and', 'or', 'end of input']);
    return filter;
  }

  private parseOr(): Filter {
    const start = this.tok.start;
    const items = [this.parseAnd()];
    while (this.isWord('or')) {
      this.advance();
      items.push(this.parseAnd());
    }
    return this.group('or', items, start);
  }

  private parseAnd(): Filter {
    const start = this.tok.start;
    const items = [this.parseNot()];
    while (this.isWord('and')) {
      this.advance();
      items.push(this.parseNot());
    }
    return this.group('and', items, start);
  }

  private group(type: 'and' | 'or', items: Filter[], start: number): Filter {
    if (items.length === 1) return items[0]!;
    const conditions = items.flatMap((f) => (f.type === type ? f.conditions : [f]));
    return this.node({ type, conditions }, start);
  }

  private parseNot(): Filter {
    if (!this.isWord('not')) return this.parsePrimary();
    const start = this.tok.start;
    this.enter(this.advance());
    const condition = this.parseNot();
    this.depth--;
    return this.node({ type: 'not', condition }, start);
  }

  private parsePrimary(): Filter {
    const tok = this.tok;
    if (this.isPunct('(')) {
      this.enter(this.advance());
      const inner = this.parseOr();
      this.expectPunct(')', [')', 'and', 'or']);
      this.depth--;
      return inner;
    }
    if (tok.kind === 'field') {
      this.advance();
      return this.parseFieldCondition(String(tok.value), tok);
    }
    if (tok.kind === 'word') {
      const lower = tok.text.toLowerCase();
      if ((filterFunctions as readonly string[]).includes(lower)) return this.parseFunction(lower);
      if ((metricNames as readonly string[]).includes(lower)) return this.parseMetric(lower as MetricName);
      if (reservedWords.has(lower)) {
        this.fail(tok, conditionStart, 'a condition', `"${tok.text}" is a keyword; write \`${tok.text}\` for a field of that name`);
      }
      this.advance();
      return this.parseFieldCondition(tok.text, tok);
    }
    return this.fail(tok, conditionStart, 'a condition: a field, a function such as completed("chat"), a metric, not or "("');
  }

  // ---- conditions ----

  private parseFieldCondition(field: string, fieldTok: Token): Filter {
    const start = fieldTok.start;
    const parts: Spans = { field: [fieldTok.start, fieldTok.end] };
    const tok = this.tok;
    parts.op = [tok.start, tok.end];
    const node = <T extends object>(n: T): T => this.node(n, start, parts);
    if (tok.kind === 'punct' && Object.hasOwn(comparisonSymbols, tok.text)) {
      this.advance();
      const value = this.literal(literalKinds, parts, 'value');
      return node({ type: 'field', field, op: comparisonSymbols[tok.text]!, value });
    }
    const word = tok.kind === 'word' ? tok.text.toLowerCase() : '';
    switch (word) {
      case 'in':
        this.advance();
        return node({ type: 'field', field, op: 'in', values: this.list(parts) });
      case 'not':
        this.advance();
        this.expectWord('in');
        return node({ type: 'field', field, op: 'not_in', values: this.list(parts) });
      case 'contains':
      case 'starts_with':
        this.advance();
        return node({ type: 'field', field, op: word, value: this.string(parts, 'value') });
      case 'before':
      case 'after':
        this.advance();
        return node({ type: 'field', field, op: word, value: this.string(parts, 'value', 'a date string such as "2024-01-31"') });
      case 'between': {
        this.advance();
        const ordered = ['a number', 'a string'];
        const min = this.literal(ordered, parts, 'min') as string | number;
        this.expectWord('and');
        const max = this.literal(ordered, parts, 'max') as string | number;
        return node({ type: 'field', field, op: 'between', min, max });
      }
      case 'within': {
        this.advance();
        this.expectWord('last');
        const days = this.wholeNumber(parts, 'days');
        this.expectWord('days');
        return node({ type: 'field', field, op: 'within_last_days', days });
      }
      case 'is':
        this.advance();
        if (this.isWord('not')) {
          this.advance();
          this.expectWord('set');
          return node({ type: 'field', field, op: 'is_not_set' });
        }
        this.expectWord('set', ['set', 'not set']);
        return node({ type: 'field', field, op: 'is_set' });
      default:
        return this.fail(tok, fieldOperators, `a comparison operator (${fieldOperators.join(', ')})`);
    }
  }

  private parseFunction(name: string): Filter {
    const start = this.advance().start;
    const parts: Spans = {};
    this.expectPunct('(');
    if (name === 'answered') {
      const chat = this.string(parts, 'chat', 'a chat id string');
      this.expectPunct(',');
      const question = this.string(parts, 'question', 'a question string');
      let value: string | undefined;
      if (this.isPunct(',')) {
        this.advance();
        value = this.string(parts, 'value');
      }
      this.expectPunct(')', value === undefined ? [',', ')'] : [')']);
      return this.node({ type: 'response', chat, question, ...(value === undefined ? {} : { value }) }, start, parts);
    }
    const chat = this.optionalChat(parts);
    const event = name as 'invited' | 'clicked' | 'completed';
    return this.node({ type: 'participation', event, ...(chat === undefined ? {} : { chat }) }, start, parts);
  }

  private parseMetric(metric: MetricName): Filter {
    const start = this.advance().start;
    const parts: Spans = {};
    let chat: string | undefined;
    if (this.isPunct('(')) {
      this.advance();
      chat = this.optionalChat(parts);
    }
    const tok = this.tok;
    parts.op = [tok.start, tok.end];
    const op = tok.kind === 'punct' ? comparisonSymbols[tok.text] : undefined;
    if (op === undefined) this.fail(tok, Object.keys(comparisonSymbols).filter((s) => s !== '==' && s !== '<>'), `a comparison operator (${comparisonList})`);
    this.advance();
    const value = this.wholeNumber(parts, 'value');
    return this.node({ type: 'metric', metric, ...(chat === undefined ? {} : { chat }), op, value }, start, parts);
  }

  /** After "(": an optional chat id string, then ")". */
  private optionalChat(parts: Spans): string | undefined {
    if (this.isPunct(')')) {
      this.advance();
      return undefined;
    }
    const chat = this.string(parts, 'chat', 'a chat id string or ")"');
    this.expectPunct(')');
    return chat;
  }

  // ---- literals ----

  private literal(kinds: string[], parts: Spans, key: string): ScalarValue {
    const tok = this.tok;
    let value: ScalarValue;
    if (tok.kind === 'string' && kinds.includes('a string')) value = String(tok.value);
    else if (tok.kind === 'number' && kinds.includes('a number')) value = Number(tok.value);
    else if (kinds.includes('true') && (this.isWord('true') || this.isWord('false'))) value = this.isWord('true');
    else return this.fail(tok, kinds, `a value (${oneOf(kinds).replace(/"/g, '')})`);
    this.advance();
    parts[key] = [tok.start, tok.end];
    return value;
  }

  private string(parts: Spans, key: string, what?: string): string {
    if (this.tok.kind !== 'string') this.fail(this.tok, ['a string'], what ?? 'a quoted string');
    return this.literal(['a string'], parts, key) as string;
  }

  private wholeNumber(parts: Spans, key: string): number {
    const tok = this.tok;
    const n = tok.kind === 'number' ? Number(tok.value) : NaN;
    if (!Number.isInteger(n) || n < 0) this.fail(tok, ['a whole number'], 'a whole number (0, 1, 2, …)');
    this.advance();
    parts[key] = [tok.start, tok.end];
    return n === 0 ? 0 : n; // no -0
  }

  private list(parts: Spans): ScalarValue[] {
    this.expectPunct('(');
    const values: ScalarValue[] = [];
    for (;;) {
      values.push(this.literal(literalKinds, parts, `values.${values.length}`));
      if (!this.isPunct(',')) break;
      this.advance();
    }
    this.expectPunct(')', [',', ')']);
    return values;
  }

  // ---- problems found by validation, reported where they are in the text ----

  locate(root: Filter, path: ProblemPath): Span {
    let node: Filter = root;
    let i = 0;
    for (;;) {
      const [key, index] = [path[i], path[i + 1]];
      if (key === 'conditions' && (node.type === 'and' || node.type === 'or') && typeof index === 'number' && node.conditions[index]) {
        node = node.conditions[index];
        i += 2;
      } else if (key === 'condition' && node.type === 'not') {
        node = node.condition;
        i += 1;
      } else break;
    }
    const spans = this.spans.get(node) ?? {};
    const rest = path.slice(i).map(String);
    for (let n = rest.length; n > 0; n--) {
      const span = spans[rest.slice(0, n).join('.')];
      if (span) return span;
    }
    return spans[''] ?? [0, this.text.length];
  }
}

/**
 * Parses the text form into a validated, normalized AST. Throws FilterSyntaxError (a
 * ValidationError whose one problem has `path`) with the line and column of the first problem.
 */
export function parseFilter(text: string, path = 'expression'): Filter {
  const parser = new Parser(text, path);
  const filter = parser.parse();
  const result = checkFilter(filter);
  if (result.ok) return result.filter;
  const problem = result.problems[0]!;
  const [start, end] = parser.locate(filter, problem.path);
  // Schema messages ("must start with…", "Too big: …") do not say what they are about; the text has no paths.
  const subject = problem.path.filter((k) => typeof k === 'string').at(-1);
  const message = subject && /^(must |[A-Z])/.test(problem.message) ? `${subject}: ${problem.message}` : problem.message;
  throw parser.error(start, [], text.slice(start, end), message);
}
