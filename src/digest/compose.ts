/**
 * The digest composer: a pure function from plain data to the list of papers one subscriber gets
 * for one period. No clock, no database: the same input always gives the same digest, which is
 * what lets two schedulers (or a re-run after a crash) compose byte-identical mail.
 *
 * Rules, in order:
 *  1. Nothing already sent to this subscriber (`alreadySent`), ever.
 *  2. Nothing the reader hid or marked "less like this" on For you (`hidden`), in any section.
 *  3. Interest matches: papers of the window matching their categories, keyword queries or
 *     authors, most reasons first, then the period's highlight score, then newest. For an account
 *     holder with something to learn from (`picks`, issue 14 item 6), their For-you picks instead,
 *     in For you's order, each with its reasons in words; the interest fields are then not used.
 *  4. Highlights: the period's trending/featured papers, best score first.
 *  5. With interests (or picks), at most half of `paperCount` goes to highlights (interests fill
 *     the rest, and highlights fill what interests leave empty, and the reverse); without
 *     interests, highlights fill it all. Highlights lead, interest matches follow; For-you picks
 *     lead, highlights follow.
 *  6. Nothing left → null (no mail), unless `sendEmpty` asks for a "nothing new" digest.
 */
import {
  type CandidateIndex,
  type CandidatePaper,
  hasInterests,
  matchInterests,
  type ParsedInterests,
} from '../search/match.ts';
import type { Frequency } from './types.ts';

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
  /** arXiv ids the reader hid or marked "less like this" on For you (account holders). */
  hidden?: ReadonlySet<string>;
  /** An account holder's For-you picks, best first; absent or null: the interest fields apply. */
  picks?: readonly ForYouPick[] | null;
  sendEmpty: boolean;
}

/** One For-you pick: the paper, why (foryou/rank.ts `reasonText`'s words) and its site upvotes. */
export interface ForYouPick {
  paper: CandidatePaper;
  reasons: string[];
  /** The site's count (local + imported), null when none. */
  upvotes: number | null;
}

export interface DigestItem {
  paper: CandidatePaper;
  section: 'foryou' | 'highlights' | 'interests';
  /** Why an interest match or a For-you pick was picked; empty for highlights. */
  reasons: string[];
  upvotes: number | null;
}

export interface ComposedDigest {
  subscriberId: number;
  period: ComposeInput['period'];
  items: DigestItem[];
  /** Events of the reader's alerts delivering to the digest (issue 15), oldest first; absent: none. */
  alerts?: DigestAlert[];
}

/** One alert event as the digest's "Your alerts" section shows it. */
export interface DigestAlert {
  title: string;
  reason: string;
  url: string;
}

const byScore = (a: Highlight, b: Highlight) =>
  b.score - a.score || (a.arxivId < b.arxivId ? -1 : a.arxivId > b.arxivId ? 1 : 0);

export function composeDigest(input: ComposeInput): ComposedDigest | null {
  const n = input.subscriber.paperCount;
  const highlightScore = new Map(input.highlights.map((h) => [h.arxivId, h]));
  const hidden = input.hidden ?? new Set<string>();
  const fresh = (id: string) => !input.alreadySent.has(id) && !hidden.has(id);
  const picks = input.picks ?? null;

  // Most reasons first, then the period's highlight score, then newest (ties by arXiv id: the
  // index's recency rank). Decorated once, so sorting thousands of matches stays cheap.
  const recency = input.index.recency;
  const matches: { paper: CandidatePaper; reasons: string[]; upvotes?: number | null }[] = picks
    ? picks.filter((p) => fresh(p.paper.arxivId))
    : [...matchInterests(input.index, input.subscriber.interests)]
        .map(([i, reasons]) => ({
          paper: input.index.papers[i]!,
          reasons,
          score: highlightScore.get(input.index.papers[i]!.arxivId)?.score ?? -Infinity,
          rank: recency[i]!,
        }))
        .filter((m) => fresh(m.paper.arxivId) && m.paper.submittedAt >= input.since)
        .sort((a, b) => b.reasons.length - a.reasons.length || b.score - a.score || a.rank - b.rank);
  const section = picks ? 'foryou' : 'interests';
  const upvotesOf = (m: (typeof matches)[number]) =>
    m.upvotes ?? highlightScore.get(m.paper.arxivId)?.upvotes ?? null;
  const highlights = [...input.highlights]
    .filter((h) => fresh(h.arxivId) && input.papers.has(h.arxivId))
    .sort(byScore);

  const interested = picks !== null || hasInterests(input.subscriber.interests);
  let nHigh = Math.min(highlights.length, interested ? Math.floor(n / 2) : n);
  const nInt = Math.min(matches.length, n - nHigh);
  nHigh = Math.min(highlights.length, n - nInt);

  const items: DigestItem[] = [];
  const taken = new Set<string>();
  for (const m of matches.slice(0, nInt)) {
    taken.add(m.paper.arxivId);
    items.push({ paper: m.paper, section, reasons: m.reasons, upvotes: upvotesOf(m) });
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
    items.push({ paper: m.paper, section, reasons: m.reasons, upvotes: upvotesOf(m) });
  }
  // Highlights lead the mail and interest matches follow; For-you picks lead, highlights follow.
  const all = (picks ? [...items, ...highlightItems] : [...highlightItems, ...items]).slice(0, n);
  if (all.length === 0 && !input.sendEmpty) return null;
  return { subscriberId: input.subscriber.id, period: input.period, items: all };
}
