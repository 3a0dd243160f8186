/**
 * The digest composer: a pure function from plain data to the list of papers one subscriber gets
 * for one period. No clock, no database: the same input always gives the same digest, which is
 * what lets two schedulers (or a re-run after a crash) compose byte-identical mail.
 *
 * Rules, in order:
 *  1. Nothing already sent to this subscriber (`alreadySent`), ever.
 *  2. Interest matches: papers of the window matching their categories, keyword queries or
 *     authors, most reasons first, then the period's highlight score, then newest.
 *  3. Highlights: the period's trending/featured papers, best score first.
 *  4. With interests, at most half of `paperCount` goes to highlights (interests fill the rest, and
 *     highlights fill what interests leave empty, and the reverse); without interests, highlights
 *     fill it all.
 *  5. Nothing left → null (no mail), unless `sendEmpty` asks for a "nothing new" digest.
 */
import { type CandidateIndex, hasInterests, matchInterests, type ParsedInterests } from './interests.ts';
import type { CandidatePaper, Frequency } from './types.ts';

export interface Highlight {
  arxivId: string;
  /** Higher first (trending score, or featured upvotes). */
  score: number;
  /** Upvotes to show beside it, when known. */
  upvotes?: number;
}

export interface ComposeInput {
  subscriber: { id: number; paperCount: number; interests: ParsedInterests };
  period: { key: string; frequency: Frequency; label: string };
  /** Interest matches must be submitted at or after this ISO instant (the subscriber's window). */
  since: string;
  /** The period's highlights, any order; papers missing from `papers` are ignored. */
  highlights: readonly Highlight[];
  /** Candidates for interest matching, indexed once per run. */
  index: CandidateIndex;
  /** Every paper a highlight may name, by arXiv id. */
  papers: ReadonlyMap<string, CandidatePaper>;
  alreadySent: ReadonlySet<string>;
  sendEmpty: boolean;
}

export interface DigestItem {
  paper: CandidatePaper;
  section: 'highlights' | 'interests';
  /** Why an interest match was picked; empty for highlights. */
  reasons: string[];
  upvotes: number | null;
}

export interface ComposedDigest {
  subscriberId: number;
  period: ComposeInput['period'];
  items: DigestItem[];
}

const byScore = (a: Highlight, b: Highlight) =>
  b.score - a.score || (a.arxivId < b.arxivId ? -1 : a.arxivId > b.arxivId ? 1 : 0);

export function composeDigest(input: ComposeInput): ComposedDigest | null {
  const n = input.subscriber.paperCount;
  const highlightScore = new Map(input.highlights.map((h) => [h.arxivId, h]));
  const fresh = (id: string) => !input.alreadySent.has(id);

  // Most reasons first, then the period's highlight score, then newest (ties by arXiv id: the
  // index's recency rank). Decorated once, so sorting thousands of matches stays cheap.
  const recency = input.index.recency;
  const matches = [...matchInterests(input.index, input.subscriber.interests)]
    .map(([i, reasons]) => ({
      paper: input.index.papers[i]!,
      reasons,
      score: highlightScore.get(input.index.papers[i]!.arxivId)?.score ?? -Infinity,
      rank: recency[i]!,
    }))
    .filter((m) => fresh(m.paper.arxivId) && m.paper.submittedAt >= input.since)
    .sort((a, b) => b.reasons.length - a.reasons.length || b.score - a.score || a.rank - b.rank);
  const highlights = [...input.highlights]
    .filter((h) => fresh(h.arxivId) && input.papers.has(h.arxivId))
    .sort(byScore);

  const interested = hasInterests(input.subscriber.interests);
  let nHigh = Math.min(highlights.length, interested ? Math.floor(n / 2) : n);
  const nInt = Math.min(matches.length, n - nHigh);
  nHigh = Math.min(highlights.length, n - nInt);

  const items: DigestItem[] = [];
  const taken = new Set<string>();
  for (const m of matches.slice(0, nInt)) {
    taken.add(m.paper.arxivId);
    items.push({
      paper: m.paper,
      section: 'interests',
      reasons: m.reasons,
      upvotes: highlightScore.get(m.paper.arxivId)?.upvotes ?? null,
    });
  }
  const highlightItems: DigestItem[] = [];
  for (const h of highlights) {
    if (highlightItems.length >= nHigh) break;
    if (taken.has(h.arxivId)) continue;
    taken.add(h.arxivId);
    highlightItems.push({
      paper: input.papers.get(h.arxivId)!,
      section: 'highlights',
      reasons: [],
      upvotes: h.upvotes ?? null,
    });
  }
  // Highlights that were also interest matches leave room: more matches fill it.
  for (const m of matches.slice(nInt)) {
    if (items.length + highlightItems.length >= n) break;
    if (taken.has(m.paper.arxivId)) continue;
    taken.add(m.paper.arxivId);
    items.push({
      paper: m.paper,
      section: 'interests',
      reasons: m.reasons,
      upvotes: highlightScore.get(m.paper.arxivId)?.upvotes ?? null,
    });
  }
  // Highlights lead the mail; interest matches follow.
  const all = [...highlightItems, ...items].slice(0, n);
  if (all.length === 0 && !input.sendEmpty) return null;
  return { subscriberId: input.subscriber.id, period: input.period, items: all };
}
