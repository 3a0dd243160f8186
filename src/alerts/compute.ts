/**
 * The incremental event computation (issue 15 item 1). The migration's triggers queue every
 * change (a new paper, a new version, a new code link, moved vote counters) in the transaction
 * that made it; this reads the queue a batch at a time, turns each change into events and stores
 * them with their webhook deliveries, deleting the consumed changes in the same transaction (a
 * crash falls before it or after it, never between an event and its delivery). So the work is
 * proportional to what changed, never to the corpus, and a harvest re-run (no new rows, no
 * version going up) queues nothing; a change processed twice (two processes, a crash between
 * reading and storing) hits the events' unique key and stores nothing new.
 *
 * Followed searches, authors and categories are matched in memory against the batch's new
 * papers with the digest's matcher (search/match.ts): the batch is indexed once, and each
 * distinct query or name is answered once for every reader who follows it.
 */
import { buildIndex, type CandidatePaper, interestPositions, type ParsedInterests } from '../search/match.ts';
import { parseQuery } from '../search/query/parse.ts';
import type { AlertEvent, WebhookSink } from './events.ts';
import {
  type Alert,
  type AlertChange,
  type AlertRepository,
  type ChangedPaper,
  EVENT_TYPE,
  type EventInput,
  type Watcher,
} from './types.ts';

/**
 * Changes read per batch: one batch's new papers are indexed together, and every followed search
 * is matched once per batch (a 5,000-paper harvest queues ~12,000 changes: at 5,000 per batch the
 * 50,000 searches of bench/alerts.bench.ts were matched three times).
 */
const CHANGE_BATCH = 20_000;
/**
 * Events stored per transaction: a harvest can fire a million, and one transaction for all would
 * hold SQLite's write lock for tens of seconds while votes and sign-ins wait (50,000 take
 * about a second). The changes are
 * consumed with the batch's last chunk, so a crash in between recomputes them and the events'
 * unique key stores nothing twice.
 */
const EVENTS_PER_TRANSACTION = 50_000;
/**
 * A paper counts as new for follow alerts only if submitted this recently: a bulk import of
 * years of papers queues every row, and a reader following "diffusion" wants this week's papers,
 * not ten thousand mails about 2019.
 */
const NEW_PAPER_DAYS = 14;

export interface ComputeResult {
  changes: number;
  events: AlertEvent[];
  /** Webhook deliveries queued with the events. */
  deliveries: number;
}

export interface ComputeOptions {
  /** The site's address, for event links. */
  baseUrl: string;
  /** Told when webhook deliveries were queued (with their events, in one transaction). */
  webhooks?: WebhookSink;
  now?: () => number;
  /** Events stored per transaction (default EVENTS_PER_TRANSACTION). */
  eventsPerTransaction?: number;
}

export const paperLink = (baseUrl: string, arxivId: string) =>
  `${baseUrl.replace(/\/+$/, '')}/papers/${arxivId}`;

/** Drains the change queue. Returns the number of changes consumed and the events stored. */
export async function computeEvents(repo: AlertRepository, opts: ComputeOptions): Promise<ComputeResult> {
  const now = opts.now ?? Date.now;
  const out: ComputeResult = { changes: 0, events: [], deliveries: 0 };
  let follows: Alert[] | null = null;
  const parsed = new Map<string, ParsedInterests | null>(); // each followed query parsed once
  for (;;) {
    const changes = await repo.pendingChanges(CHANGE_BATCH);
    if (changes.length === 0) return out;
    const at = now();
    const papers = new Map(
      (await repo.changedPapers([...new Set(changes.map((c) => c.paperId))])).map((p) => [p.id, p]),
    );
    const inputs: EventInput[] = [];
    const webhook = new Set<number>();
    const fresh = freshPapers(changes, papers, at);
    if (fresh.length > 0) {
      follows ??= await repo.followAlerts();
      for (const e of followEvents(fresh, follows, webhook, parsed)) inputs.push(e);
    }
    const touched = changes.filter((c) => c.kind !== 'new').map((c) => c.paperId);
    if (touched.length > 0) {
      const watchers = await repo.watchers([...new Set(touched)]);
      for (const e of watcherEvents(changes, papers, watchers, webhook)) inputs.push(e);
    }
    for (const e of inputs) {
      if (!webhook.has(e.alertId)) continue;
      const p = papers.get(e.paperId)!;
      e.webhook = { arxivId: p.arxivId, title: p.title, link: paperLink(opts.baseUrl, p.arxivId) };
    }
    const stamp = new Date(at).toISOString();
    // The webhook deliveries are stored in the events' transaction; the sink is only told.
    const ids: (number | null)[] = [];
    let deliveries = 0;
    const per = opts.eventsPerTransaction ?? EVENTS_PER_TRANSACTION;
    for (let from = 0; ; from += per) {
      const chunk = inputs.slice(from, from + per);
      const last = from + per >= inputs.length;
      const r = await repo.record(chunk, last ? changes.map((c) => c.id) : [], stamp);
      for (const id of r.ids) ids.push(id);
      deliveries += r.deliveries;
      if (last) break;
    }
    const stored: AlertEvent[] = [];
    const links = new Map<number, string>(); // one per paper, not per event
    const linkOf = (p: ChangedPaper) => {
      let l = links.get(p.id);
      if (l === undefined) {
        l = paperLink(opts.baseUrl, p.arxivId);
        links.set(p.id, l);
      }
      return l;
    };
    ids.forEach((id, i) => {
      if (id === null) return;
      const e = inputs[i]!;
      const p = papers.get(e.paperId)!;
      stored.push({
        id,
        userId: e.userId,
        alertId: e.alertId,
        type: e.type,
        paperId: e.paperId,
        arxivId: p.arxivId,
        title: p.title,
        link: linkOf(p),
        reason: e.reason,
        createdAt: stamp,
      });
    });
    out.deliveries += deliveries;
    if (deliveries > 0) opts.webhooks?.queued(deliveries);
    out.changes += changes.length;
    // A loop, not push(...stored): a harvest's events run to hundreds of thousands, past the
    // argument limit of a spread (bench/alerts.bench.ts hit it).
    for (const e of stored) out.events.push(e);
    // Let the event loop run between batches: on SQLite every call above is synchronous, and the
    // ~8M changes a 2.7M-paper import queues kept a serving process from answering for about two
    // minutes (test/alerts/drain-yields.test.ts).
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

function freshPapers(changes: AlertChange[], papers: Map<number, ChangedPaper>, at: number): ChangedPaper[] {
  const since = new Date(at - NEW_PAPER_DAYS * 86_400_000).toISOString();
  const out = new Map<number, ChangedPaper>();
  for (const c of changes) {
    const p = papers.get(c.paperId);
    if (c.kind === 'new' && p && p.submittedAt >= since) out.set(p.id, p);
  }
  return [...out.values()];
}

const candidate = (p: ChangedPaper): CandidatePaper => ({
  arxivId: p.arxivId,
  title: p.title,
  abstract: p.abstract,
  authors: p.authors,
  categories: p.categories,
  submittedAt: p.submittedAt,
});

const REASON: Record<'search' | 'author' | 'category', (target: string) => string> = {
  search: (q) => `matches your search “${q}”`,
  author: (a) => `new paper by ${a}`,
  category: (c) => `new in ${c}`,
};

function followEvents(
  fresh: ChangedPaper[],
  follows: Alert[],
  webhook: Set<number>,
  parsed: Map<string, ParsedInterests | null>,
): EventInput[] {
  const index = buildIndex(fresh.map(candidate));
  const out: EventInput[] = [];
  for (const a of follows) {
    const key = `${a.kind}\n${a.target}`;
    let interests = parsed.get(key);
    if (interests === undefined) {
      interests = interestsOf(a);
      parsed.set(key, interests);
    }
    if (!interests) continue;
    const kind = a.kind as 'search' | 'author' | 'category';
    const matched = interestPositions(index, interests);
    if (matched.length === 0) continue;
    // Per alert, not per event: a harvest's events run to millions (bench/alerts.bench.ts).
    const mail = a.delivery.includes('mail');
    const type = EVENT_TYPE[kind];
    const reason = REASON[kind](a.target);
    for (const position of matched) {
      const p = fresh[position]!;
      out.push({ alertId: a.id, userId: a.userId, paperId: p.id, type, key: 0, reason, mail });
    }
    if (a.delivery.includes('webhook')) webhook.add(a.id);
  }
  return out;
}

/** One alert as the matcher's interests; null for a stored query the parser now refuses. */
function interestsOf(a: Alert): ParsedInterests | null {
  if (a.kind === 'category') return { categories: [a.target], keywords: [], authors: [] };
  if (a.kind === 'author') return { categories: [], keywords: [], authors: [a.target] };
  try {
    return { categories: [], keywords: [{ text: a.target, query: parseQuery(a.target) }], authors: [] };
  } catch {
    return null;
  }
}

function watcherEvents(
  changes: AlertChange[],
  papers: Map<number, ChangedPaper>,
  watchers: Watcher[],
  webhook: Set<number>,
): EventInput[] {
  const byPaper = new Map<number, Watcher[]>();
  for (const w of watchers) {
    const list = byPaper.get(w.paperId);
    if (list) list.push(w);
    else byPaper.set(w.paperId, [w]);
  }
  const out: EventInput[] = [];
  // A new paper's own version rows are queued too (migration 015): only later versions are news.
  const added = new Set(changes.filter((c) => c.kind === 'new').map((c) => c.paperId));
  for (const c of changes) {
    const p = papers.get(c.paperId);
    if (!p || c.kind === 'new' || (c.kind === 'version' && (c.version < 2 || added.has(c.paperId)))) continue;
    for (const w of byPaper.get(c.paperId) ?? []) {
      const e = watcherEvent(c, p, w);
      if (!e) continue;
      out.push(e);
      if (w.delivery.includes('webhook')) webhook.add(w.alertId);
    }
  }
  return out;
}

function watcherEvent(c: AlertChange, p: ChangedPaper, w: Watcher): EventInput | null {
  const base = { alertId: w.alertId, userId: w.userId, paperId: p.id, mail: w.delivery.includes('mail') };
  if (c.kind === 'version' && w.kind === 'version')
    return { ...base, type: 'paper.version', key: c.version, reason: versionReason(c.version, p) };
  if (c.kind === 'code' && w.kind === 'code' && p.codeUrl)
    return { ...base, type: 'paper.code', key: 0, reason: `code released: ${p.codeUrl}` };
  if (c.kind === 'votes' && w.kind === 'trending' && w.threshold !== null && p.votes >= w.threshold)
    return { ...base, type: 'paper.trending', key: w.threshold, reason: `reached ${votes(w.threshold)}` };
  return null;
}

const votes = (n: number) => `${n} vote${n === 1 ? '' : 's'}`;

/** "v3: camera-ready, 12 pages": the comments line is the current one only for the newest version. */
function versionReason(version: number, p: ChangedPaper): string {
  const comments = version === p.version && p.comments ? p.comments.replace(/\s+/g, ' ').trim() : '';
  return comments ? `v${version}: ${comments}` : `v${version}`;
}
