/**
 * Why a search result is listed, in the query's own terms (issue 17): which of the words,
 * phrases and OR groups it holds, whether it was found by meaning, and the quoted phrases a
 * meaning-only result lacks. Shared by the search page, the API and the CLI.
 */
import { type HighlightTerm, highlight } from './highlight.ts';
import { isOptional } from './plan.ts';
import type { HitInfo, KeywordPlan, PlanTerm } from './search.repo.ts';

/** What a result holds of the query: `words` of the `of` groups it asked for. */
export interface MatchInfo {
  words: string[];
  of: number;
  /** Quoted phrases a meaning-only result does not contain. */
  lacks?: string[];
}

export function highlightTerms(terms: { text: string; kind: string }[]): HighlightTerm[] {
  return terms.map((t) => ({ words: t.text.split(' '), prefix: t.kind === 'prefix' }));
}

/** The query's text groups (not author/category filters), as a reader would name them. */
export function textGroups(plan: KeywordPlan): { label: string; group: PlanTerm[] }[] {
  const name = (t: PlanTerm) =>
    `${t.field === 'title' ? 'title:' : ''}${t.quoted ? `“${t.text}”` : t.text}${t.kind === 'prefix' ? '*' : ''}`;
  return plan.groups
    .filter((g) => g.length > 0 && g.every((t) => t.field !== 'authors' && t.field !== 'categories'))
    .map((group) => ({ label: group.map(name).join(' OR '), group }));
}

/** Whether the paper's text holds a term, as the highlighter marks it (highlight.ts). */
function holds(p: HitInfo, t: PlanTerm): boolean {
  const [term] = highlightTerms([t]);
  const text = `${p.title} ${p.abstract}`.replace(/\s+/g, ' ');
  return highlight(text, [term!]).some((s) => s.hit);
}

/**
 * What a result holds of the query: every group for a full match; the required groups and the
 * words it holds for a partial one (rare words from their postings, common ones read from its
 * text); for a meaning-only result, the quoted phrases it does not contain.
 */
export function explain(
  p: HitInfo,
  asked: { label: string; group: PlanTerm[] }[],
  full: boolean,
  partial: string[] | undefined,
): MatchInfo | undefined {
  if (asked.length === 0) return undefined;
  if (full) return { words: asked.map((a) => a.label), of: asked.length };
  if (partial) {
    const rare = new Set(partial);
    const words = asked
      .filter((a) => !isOptional(a.group) || rare.has(a.group[0]!.text) || holds(p, a.group[0]!))
      .map((a) => a.label);
    return { words, of: asked.length };
  }
  const lacks = asked
    .filter((a) => a.group.length === 1 && a.group[0]!.quoted && !holds(p, a.group[0]!))
    .map((a) => a.label);
  return { words: [], of: asked.length, ...(lacks.length ? { lacks } : {}) };
}

/**
 * Why a result is listed, in the query's words: "matched 3 of 5 words: x, y, z", "matched all 2
 * words", "and by meaning", or "by meaning only; does not contain “a phrase”".
 */
export function matchWhy(h: { matchedBy: readonly string[]; match?: MatchInfo }): string {
  const byMeaning = h.matchedBy.includes('vector');
  if (!h.matchedBy.includes('keyword')) {
    const lacks = h.match?.lacks?.length ? `; does not contain ${h.match.lacks.join(', ')}` : '';
    return `matched by meaning only${lacks}`;
  }
  const m = h.match;
  const words = !m
    ? 'matched by words'
    : m.words.length === m.of
      ? m.of === 1
        ? `matched ${m.words[0]}`
        : `matched all ${m.of} words: ${m.words.join(', ')}`
      : `matched ${m.words.length} of ${m.of} words: ${m.words.join(', ')}`;
  return byMeaning ? `${words}, and by meaning` : words;
}
