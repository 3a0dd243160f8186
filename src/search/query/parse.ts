/**
 * The search box grammar, hand-written recursive descent over a small token stream:
 *
 *   query   := group*                     groups are ANDed
 *   group   := atom ('OR' atom)*          alternatives of one kind (terms, or cat: filters)
 *   atom    := '-'? (phrase | field ':' value | word)
 *   field   := author | title | cat | year | after | before | sort
 *
 * Words are runs of letters and digits (as the full-text tokenizers see them); a token with
 * several runs ("state-of-the-art") is a phrase. Every error names what is wrong and the offset
 * where it starts, so the page can point at it. Work is linear in the input (bounded by MAX_INPUT).
 */

import { isCategory } from '../../papers/category.ts';
import { type Clause, type DateRange, type Query, QueryError, type SortOrder, type TermNode } from './ast.ts';

export const MAX_INPUT = 500;
/**
 * Limits no honest query meets, because each one multiplies the full-text index's work (issue
 * 12: `a* OR b* OR … OR z*` took 15–22 s at 160k papers). A prefix merges the postings of every
 * word it starts: at 160k papers `a*` costs ~0.9 s and `con*` ~0.12 s (bench/search-hostile).
 */
const MIN_PREFIX = 3;
const MAX_PREFIXES = 4;
/** Alternatives across all OR groups, and terms in all (words, phrases, alternatives, exclusions). */
const MAX_ALTERNATIVES = 16;
const MAX_TERMS = 32;
const FIELDS = ['author', 'title', 'cat', 'year', 'after', 'before', 'sort'] as const;
type FieldName = (typeof FIELDS)[number];
const FIELD_ALIASES: Record<string, FieldName> = { authors: 'author', category: 'cat', in: 'cat' };
/** `arXiv:2401.00001`, `doi:…`, URLs: a colon people paste, not a filter. */
const PLAIN_PREFIXES = new Set(['arxiv', 'doi', 'http', 'https']);
const WORD = /[\p{L}\p{N}]+/gu;
const SORTS: SortOrder[] = ['relevance', 'date', 'votes'];

type Atom =
  | { kind: 'term'; term: TermNode }
  | { kind: 'cat'; value: string; negated: boolean; start: number; end: number }
  | {
      kind: 'year' | 'after' | 'before' | 'sort';
      value: string;
      negated: boolean;
      start: number;
      end: number;
    };
type Token =
  | { kind: 'or'; start: number; end: number }
  | { kind: 'atom'; atom: Atom; start: number; end: number };

class Lexer {
  readonly #s: string;
  #i = 0;
  constructor(s: string) {
    this.#s = s;
  }

  tokens(): Token[] {
    const out: Token[] = [];
    for (;;) {
      this.#skipSpace();
      if (this.#i >= this.#s.length) return out;
      const t = this.#token();
      if (t) out.push(t);
    }
  }

  #skipSpace(): void {
    while (this.#i < this.#s.length && /\s/.test(this.#s[this.#i]!)) this.#i++;
  }

  #token(): Token | null {
    const s = this.#s;
    const start = this.#i;
    let negated = false;
    if (s[this.#i] === '-' && this.#i + 1 < s.length && !/\s/.test(s[this.#i + 1]!)) {
      negated = true;
      this.#i++;
    }
    if (s[this.#i] === '"') {
      const { text, end } = this.#phrase();
      const term = makeTerm(text, negated, start, end, undefined, true);
      return term ? { kind: 'atom', atom: { kind: 'term', term }, start, end } : null;
    }
    const wordStart = this.#i;
    while (this.#i < s.length && !/\s/.test(s[this.#i]!) && s[this.#i] !== '"' && s[this.#i] !== ':')
      this.#i++;
    const head = s.slice(wordStart, this.#i);
    if (s[this.#i] === ':' && /^[a-z]+$/i.test(head) && !PLAIN_PREFIXES.has(head.toLowerCase()))
      return this.#field(head, negated, start);
    // Not a field: the colon (and anything glued to it) is part of the word, as in "arXiv:2401.1".
    while (this.#i < s.length && !/\s/.test(s[this.#i]!) && s[this.#i] !== '"') this.#i++;
    const raw = s.slice(wordStart, this.#i);
    if (raw === 'OR' && !negated) return { kind: 'or', start, end: this.#i };
    const term = makeTerm(raw, negated, start, this.#i);
    return term ? { kind: 'atom', atom: { kind: 'term', term }, start, end: this.#i } : null;
  }

  /** At an opening quote: reads to the closing one. */
  #phrase(): { text: string; end: number } {
    const open = this.#i;
    const close = this.#s.indexOf('"', open + 1);
    if (close < 0)
      throw new QueryError('This quote is never closed: add a " at the end of the phrase.', open);
    this.#i = close + 1;
    return { text: this.#s.slice(open + 1, close), end: this.#i };
  }

  #field(name: string, negated: boolean, start: number): Token {
    const s = this.#s;
    const lower = name.toLowerCase();
    const field = (FIELDS as readonly string[]).includes(lower) ? (lower as FieldName) : FIELD_ALIASES[lower];
    if (!field) {
      throw new QueryError(
        `Unknown filter "${name}:". Filters are author:, title:, cat:, year:, after:, before: and sort:.`,
        start + (negated ? 1 : 0),
      );
    }
    this.#i++; // the colon
    let value: string;
    let quoted = false;
    if (s[this.#i] === '"') {
      value = this.#phrase().text;
      quoted = true;
    } else {
      const v0 = this.#i;
      while (this.#i < s.length && !/\s/.test(s[this.#i]!) && s[this.#i] !== '"') this.#i++;
      value = s.slice(v0, this.#i);
    }
    const end = this.#i;
    if (!value.trim()) throw new QueryError(`${field}: needs a value, like ${EXAMPLES[field]}.`, start);
    if (field === 'author' || field === 'title') {
      const term = makeTerm(value, negated, start, end, field === 'author' ? 'authors' : 'title', quoted);
      if (!term) throw new QueryError(`${field}: needs letters or digits, like ${EXAMPLES[field]}.`, start);
      return { kind: 'atom', atom: { kind: 'term', term }, start, end };
    }
    return { kind: 'atom', atom: { kind: field, value: value.trim(), negated, start, end }, start, end };
  }
}

const EXAMPLES: Record<FieldName, string> = {
  author: 'author:hinton or author:"geoffrey hinton"',
  title: 'title:transformer',
  cat: 'cat:cs.CV',
  year: 'year:2024',
  after: 'after:2024-01-01',
  before: 'before:2024-06-30',
  sort: 'sort:date',
};

function makeTerm(
  raw: string,
  negated: boolean,
  start: number,
  end: number,
  field?: TermNode['field'],
  quoted = false,
): TermNode | null {
  const words = raw.match(WORD);
  if (!words) return null;
  const text = words.join(' ').toLowerCase();
  const kind = words.length > 1 || quoted ? 'phrase' : raw.endsWith('*') ? 'prefix' : 'word';
  if (kind === 'prefix' && text.length < MIN_PREFIX)
    throw new QueryError(
      `"${raw.slice(0, 40)}": a prefix needs at least ${MIN_PREFIX} letters or digits before the * ` +
        '(a shorter one matches most words); type more of the word.',
      start,
    );
  return {
    type: 'term',
    kind: kind === 'phrase' && words.length === 1 ? 'word' : kind,
    text,
    ...(quoted && words.length > 1 ? { quoted: true as const } : {}),
    negated,
    start,
    end,
    ...(field ? { field } : {}),
  };
}

/** YYYY, YYYY-MM or YYYY-MM-DD → the first day of that period and the first day after it. */
function period(value: string, field: string, at: number): { first: string; next: string } {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(value);
  const bad = () =>
    new QueryError(`${field}: wants a date like 2024-01-31, 2024-01 or 2024; "${value}" is not one.`, at);
  if (!m) throw bad();
  const y = Number(m[1]);
  const mo = m[2] ? Number(m[2]) : 1;
  const d = m[3] ? Number(m[3]) : 1;
  const first = new Date(Date.UTC(y, mo - 1, d));
  if (y < 1000 || first.getUTCMonth() !== mo - 1 || first.getUTCDate() !== d) throw bad();
  const next = new Date(first);
  if (m[3]) next.setUTCDate(d + 1);
  else if (m[2]) next.setUTCMonth(mo);
  else next.setUTCFullYear(y + 1);
  const iso = (x: Date) => x.toISOString().slice(0, 10);
  return { first: iso(first), next: iso(next) };
}

function narrow(range: DateRange, from: string | undefined, to: string | undefined): void {
  if (from && (!range.from || from > range.from)) range.from = from;
  if (to && (!range.to || to < range.to)) range.to = to;
}

function normalizeCategory(value: string, at: number): string {
  if (!isCategory(value.toLowerCase()))
    throw new QueryError(
      `cat: wants an arXiv category like cs.CV or an archive like cs; "${value}" is not one.`,
      at,
    );
  return value.toLowerCase();
}

/** Parses the search box text. Throws QueryError with a message for people and a position. */
export function parseQuery(input: string): Query {
  if (input.length > MAX_INPUT)
    throw new QueryError(
      `The query is too long (${input.length} characters; at most ${MAX_INPUT}).`,
      MAX_INPUT,
    );
  const tokens = new Lexer(input).tokens();
  const query: Query = { clauses: [], categories: [], excludedCategories: [], dates: {}, sort: 'relevance' };
  let i = 0;
  while (i < tokens.length) {
    const first = tokens[i]!;
    if (first.kind === 'or') throw new QueryError('OR needs a word or filter before it.', first.start);
    const group: Atom[] = [first.atom];
    i++;
    while (i < tokens.length && tokens[i]!.kind === 'or') {
      const or = tokens[i]!;
      const next = tokens[i + 1];
      if (next?.kind !== 'atom') throw new QueryError('OR needs a word or filter after it.', or.start);
      group.push(next.atom);
      i += 2;
    }
    applyGroup(query, group);
  }
  checkCounts(query);
  const positive = query.clauses.some((c) => c.type === 'or' || !c.negated);
  if (
    !positive &&
    query.clauses.length > 0 &&
    query.categories.length === 0 &&
    !query.dates.from &&
    !query.dates.to
  ) {
    const at = query.clauses[0]!.start;
    throw new QueryError(
      'Only exclusions: add a word to search for (a query of only -words matches almost everything).',
      at,
    );
  }
  if (query.dates.from && query.dates.to && query.dates.from >= query.dates.to)
    throw new QueryError(`No date is both on or after ${query.dates.from} and before ${query.dates.to}.`, 0);
  return query;
}

/** The query-wide limits (MAX_PREFIXES, MAX_ALTERNATIVES, MAX_TERMS), each pointing at the term past it. */
function checkCounts(query: Query): void {
  let prefixes = 0;
  let alternatives = 0;
  let terms = 0;
  for (const c of query.clauses) {
    const list = c.type === 'or' ? c.terms : [c];
    for (const t of list) {
      terms++;
      if (c.type === 'or') alternatives++;
      if (t.kind === 'prefix') prefixes++;
      if (prefixes > MAX_PREFIXES)
        throw new QueryError(
          `Too many prefix* terms: at most ${MAX_PREFIXES} in one search; use whole words for the rest.`,
          t.start,
        );
      if (alternatives > MAX_ALTERNATIVES)
        throw new QueryError(
          `Too many OR alternatives: at most ${MAX_ALTERNATIVES} in one search; split it into several searches.`,
          t.start,
        );
      if (terms > MAX_TERMS)
        throw new QueryError(
          `Too many terms: at most ${MAX_TERMS} in one search; remove some words.`,
          t.start,
        );
    }
  }
}

function atomStart(a: Atom): number {
  return a.kind === 'term' ? a.term.start : a.start;
}

function applyGroup(query: Query, group: Atom[]): void {
  if (group.length > 1) {
    for (const a of group) {
      const negated = a.kind === 'term' ? a.term.negated : a.negated;
      if (negated) throw new QueryError('An excluded (-) term cannot be one side of OR.', atomStart(a));
    }
    if (group.every((a) => a.kind === 'term')) {
      const terms = group.map((a) => (a as { term: TermNode }).term);
      query.clauses.push({ type: 'or', terms, start: terms[0]!.start, end: terms.at(-1)!.end });
      return;
    }
    if (group.every((a) => a.kind === 'cat')) {
      query.categories.push(
        group.map((a) => normalizeCategory((a as { value: string }).value, atomStart(a))),
      );
      return;
    }
    const odd = group.find((a) => a.kind !== 'term' && a.kind !== 'cat') ?? group[1]!;
    throw new QueryError(
      'OR joins words, phrases, author:/title: terms, or cat: filters with each other, not other kinds.',
      atomStart(odd),
    );
  }
  const a = group[0]!;
  switch (a.kind) {
    case 'term':
      query.clauses.push(a.term satisfies Clause);
      return;
    case 'cat': {
      const c = normalizeCategory(a.value, a.start);
      if (a.negated) query.excludedCategories.push(c);
      else query.categories.push([c]);
      return;
    }
    case 'sort': {
      if (a.negated) throw new QueryError('sort: cannot be excluded.', a.start);
      const v = a.value.toLowerCase();
      if (!SORTS.includes(v as SortOrder))
        throw new QueryError(`sort: is one of relevance, date or votes; not "${a.value}".`, a.start);
      query.sort = v as SortOrder;
      return;
    }
    default: {
      if (a.negated)
        throw new QueryError(`-${a.kind}: is not supported; use before: or after: to limit dates.`, a.start);
      const { first, next } = period(a.value, a.kind, a.start);
      if (a.kind === 'year' && !/^\d{4}$/.test(a.value))
        throw new QueryError(`year: wants a year like 2024; "${a.value}" is not one.`, a.start);
      if (a.kind === 'year') narrow(query.dates, first, next);
      else if (a.kind === 'after') narrow(query.dates, first, undefined);
      else narrow(query.dates, undefined, first);
    }
  }
}
