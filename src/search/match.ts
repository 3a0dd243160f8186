/**
 * Matching a query against papers in memory, pure: the digest's interests (categories, author
 * names, keyword queries in the search box language, src/search/query/) and For you's followed
 * searches. The candidates of one run or window (a few thousand papers at most) are indexed once;
 * each reader's interests are then answered from posting lists, so composing for ten thousand
 * subscribers never asks the database anything per subscriber. It lives in search/ because it is
 * search's concern (a query against papers) and both digest/ and foryou/ use it.
 */
import type { Clause, Query, TermNode } from './query/ast.ts';
import { parseQuery } from './query/parse.ts';

/** What the matcher (and the digest's composer) knows about a paper: plain data, whatever storage it came from. */
export interface CandidatePaper {
  arxivId: string;
  title: string;
  abstract: string;
  /** Display names in order. */
  authors: string[];
  /** Primary first. */
  categories: string[];
  /** ISO timestamp of v1. */
  submittedAt: string;
}

/** A reader's interests as the digest's subscription form takes them. */
export interface Interests {
  /** arXiv categories (`cs.LG`) or whole archives (`cs`). */
  categories: string[];
  /** Queries in the keyword syntax: words, "phrases", prefix*, -exclusions. */
  keywords: string[];
  /** Author names or surnames, matched word by word, accents ignored. */
  authors: string[];
}

const WORD = /[\p{L}\p{N}]+/gu;
const ASCII_WORD = /[a-z0-9]+/g;
const ASCII = /^[\x00-\x7f]*$/;

/**
 * Lower-case, accents removed, letters/digits runs; shared with foryou/terms.ts. ASCII text (most
 * titles and abstracts: LaTeX writes accents as commands) skips the Unicode normalization, an
 * identity there.
 */
export function words(s: string): string[] {
  if (ASCII.test(s)) return s.toLowerCase().match(ASCII_WORD) ?? [];
  return (
    s
      .normalize('NFD')
      .replace(/\p{M}+/gu, '')
      .toLowerCase()
      .match(WORD) ?? []
  );
}

/**
 * A light plural fold, so "transformers" finds "transformer". The database search stems with
 * Porter; here a subscriber's keyword is matched within a small candidate set, where the cheap
 * fold covers what readers type and never joins unrelated words.
 */
export function fold(w: string): string {
  if (w.length > 4 && w.endsWith('ies')) return `${w.slice(0, -3)}y`;
  if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us') && !w.endsWith('is'))
    return w.slice(0, -1);
  return w;
}

interface Fields {
  title: string;
  all: string;
  authors: string;
  titleWords: Set<string>;
  allWords: Set<string>;
  authorWords: Set<string>;
}

export interface CandidateIndex {
  readonly papers: readonly CandidatePaper[];
  /** Position → rank by (submitted newest first, arXiv id), the composer's tie-break order. */
  readonly recency: Int32Array;
  /**
   * Positions per keyword query or author name, filled as subscribers ask: many people share an
   * interest, and the answer depends only on the candidates.
   */
  readonly memo: Map<string, number[]>;
  readonly fields: readonly Fields[];
  /** folded word (title, abstract, authors) → paper positions, ascending */
  readonly byWord: Map<string, number[]>;
  /** category and its archive (`cs.LG`, `cs`) → positions */
  readonly byCategory: Map<string, number[]>;
  /** author name word → positions */
  readonly byAuthorWord: Map<string, number[]>;
}

function post(map: Map<string, number[]>, key: string, i: number) {
  const list = map.get(key);
  if (!list) map.set(key, [i]);
  else if (list[list.length - 1] !== i) list.push(i);
}

/** Builds a CandidateIndex paper by paper (`add` in position order, then `finish`). */
class IndexBuilder {
  readonly byWord = new Map<string, number[]>();
  readonly byCategory = new Map<string, number[]>();
  readonly byAuthorWord = new Map<string, number[]>();
  readonly fields: Fields[] = [];

  add(p: CandidatePaper, i: number): void {
    const t = words(p.title);
    const a = words(p.abstract);
    const au = words(p.authors.join(' '));
    const allWords = new Set([...t, ...a, ...au].map(fold));
    for (const w of allWords) post(this.byWord, w, i);
    for (const w of new Set(au)) post(this.byAuthorWord, w, i);
    for (const c of p.categories) {
      const lc = c.toLowerCase();
      post(this.byCategory, lc, i);
      const archive = lc.split('.')[0]!;
      if (archive !== lc) post(this.byCategory, archive, i);
    }
    this.fields.push({
      title: ` ${t.join(' ')} `,
      all: ` ${t.join(' ')} | ${a.join(' ')} | ${au.join(' ')} `,
      authors: ` ${au.join(' ')} `,
      titleWords: new Set(t.map(fold)),
      allWords,
      authorWords: new Set(au),
    });
  }

  finish(papers: readonly CandidatePaper[]): CandidateIndex {
    const order = papers.map((_, i) => i);
    order.sort((a, b) => {
      const pa = papers[a]!;
      const pb = papers[b]!;
      return pa.submittedAt < pb.submittedAt
        ? 1
        : pa.submittedAt > pb.submittedAt
          ? -1
          : pa.arxivId < pb.arxivId
            ? -1
            : pa.arxivId > pb.arxivId
              ? 1
              : 0;
    });
    const recency = new Int32Array(papers.length);
    order.forEach((pos, rank) => {
      recency[pos] = rank;
    });
    const { fields, byWord, byCategory, byAuthorWord } = this;
    return { papers, recency, memo: new Map(), fields, byWord, byCategory, byAuthorWord };
  }
}

export function buildIndex(papers: readonly CandidatePaper[]): CandidateIndex {
  const b = new IndexBuilder();
  for (let i = 0; i < papers.length; i++) b.add(papers[i]!, i);
  return b.finish(papers);
}

/**
 * The same index, built `slice` papers at a time with `pause()` awaited between slices: a serving
 * process indexes a week of a large library (~0.5 s of work at 1M papers, foryou/pool.ts) without
 * holding every other request for that long.
 */
export async function buildIndexInSlices(
  papers: readonly CandidatePaper[],
  slice: number,
  pause: () => Promise<void>,
): Promise<CandidateIndex> {
  const b = new IndexBuilder();
  for (let i = 0; i < papers.length; i++) {
    if (i > 0 && i % slice === 0) await pause();
    b.add(papers[i]!, i);
  }
  return b.finish(papers);
}

function termMatches(f: Fields, t: TermNode): boolean {
  const field = t.field === 'title' ? 'title' : t.field === 'authors' ? 'authors' : 'all';
  if (t.kind === 'phrase') return f[field].includes(` ${t.text} `);
  const set = field === 'title' ? f.titleWords : field === 'authors' ? f.authorWords : f.allWords;
  if (t.kind === 'word') return set.has(field === 'authors' ? t.text : fold(t.text));
  for (const w of set) if (w.startsWith(t.text)) return true;
  return false;
}

function clauseMatches(f: Fields, c: Clause): boolean {
  if (c.type === 'or') return c.terms.some((t) => termMatches(f, t));
  return termMatches(f, c) !== c.negated;
}

function intersect(a: number[], b: number[]): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i]! < b[j]!) i++;
    else if (a[i]! > b[j]!) j++;
    else {
      out.push(a[i]!);
      i++;
      j++;
    }
  }
  return out;
}

function union(lists: number[][]): number[] {
  return [...new Set(lists.flat())].sort((x, y) => x - y);
}

/**
 * Positions that can hold a positive term (a superset: title terms use the all-fields postings,
 * phrases the postings of their words); null when postings cannot say (prefixes).
 */
function termPostings(index: CandidateIndex, t: TermNode): number[] | null {
  if (t.kind === 'prefix') return null;
  if (t.field === 'authors') return t.kind === 'word' ? (index.byAuthorWord.get(t.text) ?? []) : null;
  if (t.kind === 'word') return index.byWord.get(fold(t.text)) ?? [];
  // A phrase's words must all be there: their postings narrow before the substring check.
  let out: number[] | null = null;
  for (const w of t.text.split(' ')) {
    const list = index.byWord.get(fold(w)) ?? [];
    out = out === null ? list : intersect(out, list);
  }
  return out;
}

/** Positions matching a parsed query: posting lists narrow, then every clause is checked. */
function queryMatches(index: CandidateIndex, q: Query): number[] {
  let narrowed: number[] | null = null;
  const narrow = (list: number[]) => {
    narrowed = narrowed === null ? list : intersect(narrowed, list);
  };
  for (const c of q.clauses) {
    if (c.type === 'term') {
      if (c.negated) continue;
      const list = termPostings(index, c);
      if (list) narrow(list);
    } else {
      // `a OR b`: the union of the alternatives' postings, when every one of them has some.
      const lists = c.terms.map((t) => (t.negated ? null : termPostings(index, t)));
      if (lists.every((l) => l !== null)) narrow(union(lists as number[][]));
    }
  }
  for (const group of q.categories) narrow(union(group.map((cat) => index.byCategory.get(cat) ?? [])));
  const base: number[] = narrowed ?? index.papers.map((_, i) => i);
  const excluded = new Set(q.excludedCategories.flatMap((c) => index.byCategory.get(c) ?? []));
  return base.filter((i) => {
    if (excluded.has(i)) return false;
    const day = index.papers[i]!.submittedAt.slice(0, 10);
    if (q.dates.from && day < q.dates.from) return false;
    if (q.dates.to && day >= q.dates.to) return false;
    return q.clauses.every((c) => clauseMatches(index.fields[i]!, c));
  });
}

/** An author interest matches an author whose name holds all its words ("Hinton", "G. Hinton"). */
function authorMatches(index: CandidateIndex, name: string): number[] {
  const ws = words(name).filter((w) => w.length > 1 || words(name).length === 1);
  if (ws.length === 0) return [];
  const longest = [...ws].sort((a, b) => b.length - a.length)[0]!;
  return (index.byAuthorWord.get(longest) ?? []).filter((i) =>
    index.papers[i]!.authors.some((a) => {
      const aw = new Set(words(a));
      return ws.every((w) => aw.has(w) || (w.length === 1 && [...aw].some((x) => x.startsWith(w))));
    }),
  );
}

export interface ParsedInterests {
  categories: string[];
  keywords: { text: string; query: Query }[];
  authors: string[];
}

/** Parses keyword queries once per subscriber; throws QueryError for one the parser refuses. */
export function parseInterests(i: Interests): ParsedInterests {
  return {
    categories: [...i.categories],
    keywords: i.keywords.map((text) => ({ text, query: parseQuery(text) })),
    authors: i.authors,
  };
}

export function hasInterests(i: Interests | ParsedInterests): boolean {
  return i.categories.length + i.keywords.length + i.authors.length > 0;
}

function memoized(index: CandidateIndex, key: string, f: () => number[]): number[] {
  let m = index.memo.get(key);
  if (!m) {
    m = f();
    index.memo.set(key, m);
  }
  return m;
}

/**
 * The positions one interest matches, without the reasons: an alert is one search, author or
 * category, and its events need only the papers (a harvest's events run to millions, and the
 * reasons map cost a Map entry and an array per match; bench/alerts.bench.ts). Shared with
 * matchInterests through the index's memo. Do not modify the returned array.
 */
export function interestPositions(index: CandidateIndex, interests: ParsedInterests): readonly number[] {
  const n = interests.categories.length + interests.keywords.length + interests.authors.length;
  if (n !== 1) return [...matchInterests(index, interests).keys()];
  const [c] = interests.categories;
  if (c !== undefined) return index.byCategory.get(c.toLowerCase()) ?? [];
  const [k] = interests.keywords;
  if (k) return memoized(index, `q\n${k.text}`, () => queryMatches(index, k.query));
  const a = interests.authors[0]!;
  return memoized(index, `a\n${a}`, () => authorMatches(index, a));
}

/** Position → why it matched (`cs.LG`, `“diffusion”`, `author Hinton`), in interest order. */
export function matchInterests(index: CandidateIndex, interests: ParsedInterests): Map<number, string[]> {
  const reasons = new Map<number, string[]>();
  const add = (positions: number[], why: string) => {
    for (const i of positions) {
      const r = reasons.get(i);
      if (r) r.push(why);
      else reasons.set(i, [why]);
    }
  };
  const memo = (key: string, f: () => number[]) => memoized(index, key, f);
  for (const c of interests.categories) add(index.byCategory.get(c.toLowerCase()) ?? [], c);
  // The query text is the key: parsing is deterministic, so equal texts match equal papers.
  for (const k of interests.keywords)
    add(
      memo(`q\n${k.text}`, () => queryMatches(index, k.query)),
      `“${k.text}”`,
    );
  for (const a of interests.authors)
    add(
      memo(`a\n${a}`, () => authorMatches(index, a)),
      `author ${a}`,
    );
  return reasons;
}
