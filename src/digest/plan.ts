/**
 * Planning a slot: gather the period's data once (candidate papers, highlights), compose each due
 * subscriber's digest with the pure composer, and write the results to the outbox a page at a time.
 * Subscribers who already have a row for the period are skipped before composing, so a re-run (or a
 * second scheduler) only does the work that is left; the unique key settles any race.
 *
 * Account holders (issue 14 item 6) get a personal digest: their For-you picks over the period
 * (the last day for a daily digest, the last 7 days for a weekly one), asked of For you once per
 * subscriber, lead; the trending papers follow. A reader with nothing to learn from gets the
 * interest-field digest; what they hid or marked "less like this" never appears either way.
 */
import type { Config } from '../config/config.ts';
import { type FeedItem, totalVotes } from '../feed/feed.ts';
import type { DigestPicks, ForYouService } from '../foryou/service.ts';
import type { Featured } from '../papers/repository.ts';
import { trendingScore } from '../ranking/trending.ts';
import {
  buildIndex,
  type CandidateIndex,
  type CandidatePaper,
  type ParsedInterests,
  parseInterests,
} from '../search/match.ts';
import {
  type ComposedDigest,
  composeDigest,
  type DigestAlert,
  type ForYouPick,
  type Highlight,
} from './compose.ts';
import { digestLinks, digestMessageId } from './links.ts';
import {
  ANNOUNCE_LAG_MS,
  daysBetween,
  dueFrequency,
  earliestCandidate,
  expiresAt,
  periodKey,
  periodLabel,
  type Slot,
  windowStart,
} from './period.ts';
import type { DigestStore } from './store.ts';
import { type RenderedMail, renderDigest } from './template.ts';
import { tokenSecret } from './tokens.ts';
import type { PlannedDigest, Subscriber } from './types.ts';

/** Most candidates a run considers: a busy week of arXiv is ~6,000 new papers. */
const MAX_CANDIDATES = 50_000;
const PAGE = 500;
const PERIOD_DAYS = { daily: 1, weekly: 7 } as const;

/**
 * What planning asks of alerts (issue 15; src/app/alerts.ts builds it): an account holder's
 * events of digest-delivery alerts made since `since` (ISO), oldest first.
 */
export interface DigestAlerts {
  since(userId: number, since: string): Promise<DigestAlert[]>;
}

/** What planning asks of For you (src/app/foryou.ts builds it): an account holder's picks. */
export type DigestForYou = Pick<ForYouService, 'digestPicks'>;

interface PeriodData {
  index: CandidateIndex;
  papers: Map<string, CandidatePaper>;
  /** Highlights with the day they were featured, for per-subscriber windows. */
  highlights: (Highlight & { day: string })[];
}

/** Candidates submitted in the widest window of this slot, and the featured papers of its days. */
async function loadPeriodData(store: DigestStore, slot: Slot): Promise<PeriodData> {
  const from = earliestCandidate(slot);
  const candidates = await store.digest.candidatePapers(
    new Date(from).toISOString(),
    new Date(slot.at).toISOString(),
    MAX_CANDIDATES,
  );
  const papers = new Map(candidates.map((p) => [p.arxivId, p]));
  const featured: Featured[] = [];
  for (const day of daysBetween(slot.at - 8 * 86_400_000, slot))
    featured.push(...(await store.papers.featuredOn(day)));
  // Ranked exactly as /trending ranks them: the site's vote counts (local + imported) and the
  // paper's entry time (its first featuring), through the same trending score.
  const items = new Map<number, FeedItem>();
  const ids = [...new Set(featured.map((f) => f.paperId))];
  for (let i = 0; i < ids.length; i += PAGE)
    for (const item of await store.feed.items(ids.slice(i, i + PAGE))) items.set(item.paper.id, item);
  const highlights: PeriodData['highlights'] = [];
  for (const f of featured) {
    const item = items.get(f.paperId);
    if (!item || item.paper.withdrawnAt) continue;
    if (!papers.has(f.arxivId)) {
      const p = await store.papers.get(f.arxivId);
      if (!p) continue;
      papers.set(p.arxivId, {
        arxivId: p.arxivId,
        title: p.title,
        abstract: p.abstract,
        authors: p.authors.map((a) => a.name),
        categories: p.categories,
        submittedAt: p.submittedAt,
      });
    }
    const votes = totalVotes(item.stats);
    const score = trendingScore({ votes, enteredAt: item.featured?.featuredAt ?? item.paper.submittedAt });
    highlights.push({ arxivId: f.arxivId, score, upvotes: votes, day: f.day });
  }
  return { index: buildIndex(candidates), papers, highlights };
}

interface ComposeOneInput {
  subscriber: Subscriber;
  interests: ParsedInterests;
  slot: Slot;
  data: PeriodData;
  alreadySent: ReadonlySet<string>;
  /** An account holder's For you (null: no account). */
  forYou: DigestPicks | null;
  /** The reader's alert events for the "Your alerts" section (account holders; empty: none). */
  alerts: DigestAlert[];
  sendEmpty: boolean;
}

/** A pick for the composer: reasons on one line (titles may hold line breaks), votes when any. */
const asPick = (p: DigestPicks['items'][number]): ForYouPick => ({
  paper: p.paper,
  reasons: p.reasons.map((r) => r.replace(/\s+/g, ' ')),
  upvotes: p.paper.votes > 0 ? p.paper.votes : null,
});

/** The composer's input for one subscriber at one slot (windows applied), and its output. */
function composeFor(o: ComposeOneInput): ComposedDigest | null {
  const f = dueFrequency(o.subscriber, o.slot) ?? o.subscriber.frequency;
  const start = windowStart(o.subscriber.lastDigestAt, f, o.slot);
  const startDay = new Date(start).toISOString().slice(0, 10);
  const best = new Map<string, Highlight>();
  for (const h of o.data.highlights) {
    if (h.day < startDay) continue;
    const prev = best.get(h.arxivId);
    if (!prev || prev.score < h.score)
      best.set(h.arxivId, {
        arxivId: h.arxivId,
        score: h.score,
        ...(h.upvotes !== undefined ? { upvotes: h.upvotes } : {}),
      });
  }
  const d = composeDigest({
    subscriber: { id: o.subscriber.id, paperCount: o.subscriber.paperCount, interests: o.interests },
    period: { key: periodKey(f, o.slot), frequency: f, label: periodLabel(f, o.slot) },
    since: new Date(start - ANNOUNCE_LAG_MS).toISOString(),
    highlights: [...best.values()],
    index: o.data.index,
    papers: o.data.papers,
    alreadySent: o.alreadySent,
    ...(o.forYou
      ? { hidden: o.forYou.excluded, picks: o.forYou.personal ? o.forYou.items.map(asPick) : null }
      : {}),
    // A digest with alerts is never empty, whatever its papers.
    sendEmpty: o.sendEmpty || o.alerts.length > 0,
  });
  return d && o.alerts.length > 0 ? { ...d, alerts: o.alerts } : d;
}

export interface PlanOptions {
  slot: Slot;
  runId: number | null;
  now: number;
  /** Only this address (`digest send --to`). */
  only?: string;
  /** Compose and render, write nothing. */
  dryRun?: boolean;
  /**
   * For you, for account holders' personal digests (issue 14 item 6; every production run passes
   * it: src/app/schedule.ts, cli/commands/digest.ts). Absent: everyone gets the interest-field digest.
   */
  forYou?: DigestForYou;
  /** Alerts delivering to the digest (issue 15): its "Your alerts" section. Absent: no section. */
  alerts?: DigestAlerts;
  onPreview?: (s: Subscriber, mail: RenderedMail, d: ComposedDigest) => void;
}

export interface PlanResult {
  due: number;
  planned: number;
  /** Already in the outbox for this period (an earlier or concurrent run). */
  existing: number;
  skippedEmpty: number;
  /** Keyword interests the parser refuses (saved before a parser change); those are ignored. */
  badInterests: number;
}

function safeInterests(s: Subscriber): { parsed: ParsedInterests; bad: boolean } {
  try {
    return { parsed: parseInterests(s.interests), bad: false };
  } catch {
    return { parsed: parseInterests({ ...s.interests, keywords: [] }), bad: true };
  }
}

export async function planDigests(store: DigestStore, config: Config, o: PlanOptions): Promise<PlanResult> {
  const secret = await tokenSecret(config, store.digest);
  const data = await loadPeriodData(store, o.slot);
  const result: PlanResult = { due: 0, planned: 0, existing: 0, skippedEmpty: 0, badInterests: 0 };
  let after = 0;
  for (;;) {
    const page = await store.digest.confirmedAfter(after, PAGE);
    if (page.length === 0) break;
    after = page[page.length - 1]!.id;
    const due = page.filter((s) => dueFrequency(s, o.slot) !== null && (!o.only || s.email === o.only));
    if (due.length === 0) continue;
    result.due += due.length;
    const existing = o.dryRun
      ? new Set<number>()
      : await store.digest.existingFor(
          due.map((s) => ({ id: s.id, period: periodKey(dueFrequency(s, o.slot)!, o.slot) })),
        );
    const todo = due.filter((s) => !existing.has(s.id));
    result.existing += due.length - todo.length;
    const sent = await store.digest.sentPapers(todo.map((s) => s.id));
    const planned: PlannedDigest[] = [];
    for (const s of todo) {
      const { parsed, bad } = safeInterests(s);
      if (bad) result.badInterests++;
      const alreadySent = sent.get(s.id) ?? new Set<string>();
      const forYou =
        o.forYou && s.userId !== null
          ? await o.forYou.digestPicks(
              s.userId,
              { days: PERIOD_DAYS[dueFrequency(s, o.slot)!], end: o.slot.at },
              s.paperCount,
              alreadySent,
            )
          : null;
      // Events since the reader's window opened: a digest re-planned for the same period shows the same.
      const alerts =
        o.alerts && s.userId !== null
          ? await o.alerts.since(
              s.userId,
              new Date(windowStart(s.lastDigestAt, dueFrequency(s, o.slot)!, o.slot)).toISOString(),
            )
          : [];
      const d = composeFor({
        subscriber: s,
        interests: parsed,
        slot: o.slot,
        data,
        alreadySent,
        forYou,
        alerts,
        sendEmpty: !config.digestSkipEmpty,
      });
      if (!d) {
        result.skippedEmpty++;
        continue;
      }
      const mail = renderDigest(
        d,
        digestLinks({ baseUrl: config.baseUrl!, secret }, s, d.period.key),
        config.siteName,
      );
      o.onPreview?.(s, mail, d);
      planned.push({
        subscriberId: s.id,
        period: d.period.key,
        runId: o.runId,
        messageId: digestMessageId(secret, s.id, d.period.key, config.mailFrom),
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        papers: d.items.map((i) => i.paper.arxivId),
        slot: o.slot.at,
        expiresAt: expiresAt(d.period.frequency, o.slot),
      });
    }
    if (!o.dryRun) {
      const inserted = await store.digest.plan(planned, o.now);
      result.planned += inserted;
      result.existing += planned.length - inserted;
    } else result.planned += planned.length;
  }
  return result;
}
