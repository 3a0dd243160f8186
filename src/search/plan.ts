/** From the parsed query to what each side of the search runs: a keyword plan and a text to embed. */
import type { Expansion } from './embedder/embedder.ts';
import type { Query, TermNode } from './query/ast.ts';
import { isStopWord } from './query/stopwords.ts';
import type { KeywordPlan, PlanTerm } from './search.repo.ts';

function planTerm(t: TermNode): PlanTerm {
  return {
    text: t.text,
    kind: t.kind,
    ...(t.field ? { field: t.field } : {}),
    ...(t.quoted ? { quoted: true as const } : {}),
  };
}

export function keywordPlan(q: Query): KeywordPlan {
  const groups: PlanTerm[][] = [];
  const not: PlanTerm[] = [];
  for (const c of q.clauses) {
    if (c.type === 'or') groups.push(c.terms.map(planTerm));
    else if (c.negated) not.push(planTerm(c));
    else groups.push([planTerm(c)]);
  }
  for (const g of q.categories) groups.push(g.map((text) => ({ text, kind: 'word', field: 'categories' })));
  for (const text of q.excludedCategories) not.push({ text, kind: 'word', field: 'categories' });
  return { groups, not, dates: q.dates, sort: q.sort };
}

const isFilter = (t: PlanTerm) => t.field === 'authors' || t.field === 'categories';

/** A plain word of the query (not a phrase, prefix, field term or OR group). */
function isPlainWord(g: readonly PlanTerm[]): boolean {
  return g.length === 1 && g[0]!.kind === 'word' && g[0]!.field === undefined;
}

/**
 * What a partial match may lack (keyword-relaxed.ts): a plain word, or words glued by punctuation
 * ("zero-shot"); never a quoted phrase, prefix, field term, OR group or filter.
 */
export function isOptional(g: readonly PlanTerm[]): boolean {
  const t = g[0];
  return (
    g.length === 1 &&
    t!.field === undefined &&
    (t!.kind === 'word' || (t!.kind === 'phrase' && t!.quoted === undefined))
  );
}

/**
 * The plan without stop words as required words (query/stopwords.ts), unless nothing else is
 * left ("the who" stays as typed). Phrases keep their stop words: they are matched in order.
 */
export function withoutStopWords(plan: KeywordPlan): KeywordPlan {
  const groups = plan.groups.filter((g) => !(isPlainWord(g) && isStopWord(g[0]!.text)));
  return groups.some((g) => !g.every(isFilter)) ? { ...plan, groups } : plan;
}

/**
 * Host names and URL parts abstracts carry ("code at https://github.com/…") that a model learns
 * as neighbours of any word written near a link, and the prefixes and Latin abbreviations a
 * tokenizer splits off ("sub-linear", "et al."): never a concept of their own.
 */
const FRAGMENTS = new Set(
  `http https www com org net edu io html htm php pdf github gitlab huggingface arxiv abs doi url urls
  zenodo bitbucket colab sub pre non semi anti inter intra post etc cf vs al eg ie`.split(/\s+/),
);

/**
 * Whether a learned neighbour is worth looking for and showing (issue 17: "Also looked for" listed
 * `com, up, average, https, github, sub`): never a URL part, split-off prefix, stop word, number,
 * single letter, or a word the query excludes. Two letters stay: acronyms ("pv" ← photovoltaic;
 * dropping them changed 4 of 50 synonym queries' top 10 in bench/search-quality at 100k).
 */
export function usefulExpansion(word: string, excluded: ReadonlySet<string>): boolean {
  return (
    word.length >= 2 &&
    /^\p{L}/u.test(word) &&
    !/\d/.test(word) &&
    !FRAGMENTS.has(word) &&
    !isStopWord(word) &&
    !excluded.has(word)
  );
}

/** Only the restricting parts (author, category, dates, exclusions): what vector hits must satisfy. */
export function filterPlan(plan: KeywordPlan): KeywordPlan {
  return {
    groups: plan.groups.filter((g) => g.every(isFilter)),
    not: plan.not,
    dates: plan.dates,
    sort: 'date',
  };
}

export function hasRestrictions(plan: KeywordPlan): boolean {
  const f = filterPlan(plan);
  return f.groups.length > 0 || f.not.length > 0 || f.dates.from !== undefined || f.dates.to !== undefined;
}

/** The words the semantic side embeds: every positive term except author names. */
export function semanticText(q: Query): string {
  const words: string[] = [];
  for (const c of q.clauses) {
    const terms = c.type === 'or' ? c.terms : c.negated ? [] : [c];
    for (const t of terms) if (t.field !== 'authors') words.push(t.text);
  }
  return words.join(' ');
}

/** The query's -words (plain text terms), which neither side may look for by another name. */
export function negatedWords(plan: KeywordPlan): string[] {
  return plan.not.filter((t) => t.field === undefined || t.field === 'title').map((t) => t.text);
}

/**
 * Adds learned synonyms as alternatives of each plain word or phrase ("automobile" → automobile OR
 * car OR motor OR vehicle), so the keyword side of hybrid search also finds papers that name the
 * same thing differently, ranked beside them by BM25. Returns the plan and the words added, each
 * with the word it came from. A -word of the query is never added (issue 16: "pruning -token"
 * looked for "token").
 * (Measured alternative, bench/search-quality: one query per synonym merged round-robin ranked
 * literal matches higher in the fusion and lost a quarter of the synonym recall.)
 */
export function expandPlan(
  plan: KeywordPlan,
  synonyms: (text: string) => string[],
): { plan: KeywordPlan; added: Expansion[] } {
  const added: Expansion[] = [];
  const negated = new Set(negatedWords(plan));
  // Only a one-concept query is widened. Several words AND-ed are specific already and the
  // vector side carries their meaning; OR-ing synonyms into each of them multiplied the matches
  // FTS5 must score (hybrid p99 152 ms at 1M), where a single word's group is ranked from the
  // keyword top lists (src/db/toplists.ts rankGroupOrFts).
  if (plan.groups.filter((g) => !g.every(isFilter)).length > 1) return { plan, added };
  const groups = plan.groups.map((g) => {
    if (g.some((t) => t.field !== undefined || t.kind === 'prefix')) return g;
    const have = new Set(g.map((t) => t.text));
    const out = [...g];
    for (const t of g) {
      for (const w of synonyms(t.text)) {
        if (have.has(w) || !usefulExpansion(w, negated)) continue;
        have.add(w);
        added.push({ word: w, from: t.text });
        out.push({ text: w, kind: 'word' });
      }
    }
    return out;
  });
  return { plan: { ...plan, groups }, added };
}
