/** FeedRepository on SQLite: each list is one indexed query for ids, then a few batched lookups. */
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { toFts5 } from '../db/fts5.ts';
import type { PaperLink } from '../papers/paper.ts';
import { trendingScore } from '../ranking/trending.ts';
import {
  assembleItems,
  CARD_AUTHORS,
  type FeaturedQuery,
  type Featuring,
  type FeedItem,
  type FeedRepository,
  type PaperCard,
  type PaperStats,
} from './feed.ts';

interface CardRow {
  id: number;
  arxiv_id: string;
  version: number;
  title: string;
  abstract: string;
  author_count: number;
  categories: string;
  submitted_at: string;
  updated_at: string;
  withdrawn_at: string | null;
}
interface StatsRow {
  paper_id: number;
  votes: number;
  imported_votes: number;
  comments: number;
}
interface FeaturingRow {
  paper_id: number;
  day: string;
  created_at: string;
  source: Featuring['source'];
  submitted_by: string | null;
}

const ORDER = {
  votes: 's.votes + s.imported_votes DESC, f.created_at DESC, f.paper_id DESC',
  publishedAt: 'p.submitted_at DESC, p.id DESC',
  trending: 's.trending DESC, f.paper_id DESC',
} as const;

/** A featuring counts in a range once: the paper's first featured day inside it. */
const FIRST_IN_RANGE = `f.day BETWEEN ?1 AND ?2
  AND NOT EXISTS (SELECT 1 FROM featured g WHERE g.paper_id = f.paper_id AND g.day >= ?1 AND g.day < f.day)`;

export class SqliteFeedRepository implements FeedRepository {
  readonly #db: DatabaseSync;
  readonly #s: Record<string, StatementSync>;
  readonly #featured = new Map<string, StatementSync>();

  constructor(db: DatabaseSync) {
    this.#db = db;
    const p = (sql: string) => db.prepare(sql);
    const ids = 'SELECT value FROM json_each(?)';
    this.#s = {
      cards:
        p(`SELECT id, arxiv_id, version, title, abstract, author_count, categories, submitted_at, updated_at,
        withdrawn_at FROM papers WHERE id IN (${ids})`),
      authors:
        p(`SELECT paper_id, name FROM paper_authors WHERE paper_id IN (${ids}) AND position < ${CARD_AUTHORS}
        ORDER BY paper_id, position`),
      links: p(
        `SELECT paper_id, kind, url, host FROM paper_links WHERE paper_id IN (${ids}) ORDER BY paper_id, position`,
      ),
      stats: p(
        `SELECT paper_id, votes, imported_votes, comments FROM paper_stats WHERE paper_id IN (${ids})`,
      ),
      firstFeaturings: p(`SELECT paper_id, day, created_at, source, submitted_by FROM featured
        WHERE paper_id IN (${ids}) ORDER BY paper_id, day DESC`),
      featuringsOf: p(
        'SELECT paper_id, day, created_at, source, submitted_by FROM featured WHERE paper_id = ? ORDER BY day',
      ),
      count: p(`SELECT count(*) AS n FROM featured f WHERE ${FIRST_IN_RANGE}`),
      countBy: p(`SELECT count(*) AS n FROM featured f WHERE ${FIRST_IN_RANGE} AND f.submitted_by = ?3`),
      latestDay: p('SELECT max(day) AS day FROM featured WHERE day <= ?'),
      prevDay: p('SELECT max(day) AS day FROM featured WHERE day < ?'),
      nextDay: p('SELECT min(day) AS day FROM featured WHERE day > ?'),
      stale: p(`SELECT s.paper_id, s.votes + s.imported_votes AS votes, s.entered_at FROM paper_stats s
        WHERE s.trending IS NULL LIMIT 1000`),
      setScore: p('UPDATE paper_stats SET trending = ? WHERE paper_id = ?'),
      anyStale: p('SELECT 1 AS x FROM paper_stats WHERE trending IS NULL LIMIT 1'),
      trending: p(`SELECT paper_id FROM paper_stats WHERE trending IS NOT NULL
        ORDER BY trending DESC, paper_id DESC LIMIT ? OFFSET ?`),
      // Walks the trending index and keeps papers of the category: a PK lookup in
      // paper_categories per candidate, stopping at the page's end.
      trendingIn: p(`SELECT s.paper_id FROM paper_stats s JOIN papers p ON p.id = s.paper_id
        WHERE s.trending IS NOT NULL AND EXISTS (SELECT 1 FROM paper_categories c
          WHERE c.category = ? AND c.submitted_at = p.submitted_at AND c.paper_id = p.id)
        ORDER BY s.trending DESC, s.paper_id DESC LIMIT ? OFFSET ?`),
      byCategory: p(`SELECT paper_id FROM paper_categories WHERE category = ?
        ORDER BY submitted_at DESC, paper_id DESC LIMIT ? OFFSET ?`),
      // Candidates from the full-text index (authors column), then the exact display name.
      byAuthor:
        p(`SELECT p.id FROM papers p WHERE p.id IN (SELECT rowid FROM papers_fts WHERE papers_fts MATCH ?)
        AND EXISTS (SELECT 1 FROM paper_authors a WHERE a.paper_id = p.id AND a.name = ?)
        ORDER BY p.submitted_at DESC, p.id DESC LIMIT ? OFFSET ?`),
      oneStats: p('SELECT paper_id, votes, imported_votes, comments FROM paper_stats WHERE paper_id = ?'),
    };
  }

  #featuredStmt(sort: FeaturedQuery['sort'], bySubmitter: boolean): StatementSync {
    const key = `${sort}:${bySubmitter}`;
    let s = this.#featured.get(key);
    if (!s) {
      s = this.#db.prepare(`SELECT f.paper_id, f.day, f.created_at, f.source, f.submitted_by
        FROM featured f JOIN paper_stats s ON s.paper_id = f.paper_id JOIN papers p ON p.id = f.paper_id
        WHERE ${FIRST_IN_RANGE} ${bySubmitter ? 'AND f.submitted_by = ?5' : ''}
        ORDER BY ${ORDER[sort]} LIMIT ?3 OFFSET ?4`);
      this.#featured.set(key, s);
    }
    return s;
  }

  async featured(q: FeaturedQuery): Promise<{ items: FeedItem[]; total: number }> {
    if (q.sort === 'trending') await this.refreshTrending();
    const args: (string | number)[] = [q.from, q.to, q.limit, q.offset];
    if (q.submitter !== undefined) args.push(q.submitter);
    const rows = this.#featuredStmt(q.sort, q.submitter !== undefined).all(
      ...args,
    ) as unknown as FeaturingRow[];
    const total =
      q.submitter !== undefined
        ? (this.#s.countBy!.get(q.from, q.to, q.submitter) as { n: number }).n
        : (this.#s.count!.get(q.from, q.to) as { n: number }).n;
    const ids = rows.map((r) => r.paper_id);
    const featurings = new Map(rows.map((r) => [r.paper_id, toFeaturing(r)]));
    return { items: assembleItems(ids, this.#cards(ids), this.#stats(ids), featurings), total };
  }

  async latestFeaturedDay(onOrBefore: string): Promise<string | null> {
    return (this.#s.latestDay!.get(onOrBefore) as { day: string | null }).day;
  }

  async neighbourDays(day: string): Promise<{ prev: string | null; next: string | null }> {
    return {
      prev: (this.#s.prevDay!.get(day) as { day: string | null }).day,
      next: (this.#s.nextDay!.get(day) as { day: string | null }).day,
    };
  }

  async refreshTrending(): Promise<number> {
    if (!this.#s.anyStale!.get()) return 0;
    let n = 0;
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      for (;;) {
        const rows = this.#s.stale!.all() as { paper_id: number; votes: number; entered_at: string }[];
        for (const r of rows)
          this.#s.setScore!.run(trendingScore({ votes: r.votes, enteredAt: r.entered_at }), r.paper_id);
        n += rows.length;
        if (rows.length < 1000) break;
      }
      this.#db.exec('COMMIT');
    } catch (err) {
      this.#db.exec('ROLLBACK');
      throw err;
    }
    return n;
  }

  async trending(limit: number, offset: number, category?: string): Promise<FeedItem[]> {
    await this.refreshTrending();
    const rows = (
      category ? this.#s.trendingIn!.all(category, limit, offset) : this.#s.trending!.all(limit, offset)
    ) as { paper_id: number }[];
    return this.items(rows.map((r) => r.paper_id));
  }

  async byCategory(category: string, limit: number, offset: number): Promise<FeedItem[]> {
    const rows = this.#s.byCategory!.all(category, limit, offset) as { paper_id: number }[];
    return this.items(rows.map((r) => r.paper_id));
  }

  async byAuthor(name: string, limit: number, offset: number): Promise<FeedItem[]> {
    const words = name.match(/[\p{L}\p{N}]+/gu);
    if (!words) return [];
    const match = toFts5({
      terms: [{ text: words.join(' ').toLowerCase(), kind: 'phrase', negated: false, field: 'authors' }],
    });
    if (!match) return [];
    const rows = this.#s.byAuthor!.all(match, name, limit, offset) as { id: number }[];
    return this.items(rows.map((r) => r.id));
  }

  async items(paperIds: number[]): Promise<FeedItem[]> {
    if (paperIds.length === 0) return [];
    const json = JSON.stringify(paperIds);
    const featurings = new Map<number, Featuring>();
    // Ordered by day DESC per paper, so the last one written is the first featuring.
    for (const r of this.#s.firstFeaturings!.all(json) as unknown as FeaturingRow[])
      featurings.set(r.paper_id, toFeaturing(r));
    return assembleItems(paperIds, this.#cards(paperIds), this.#stats(paperIds), featurings);
  }

  async featuringsOf(paperId: number): Promise<Featuring[]> {
    return (this.#s.featuringsOf!.all(paperId) as unknown as FeaturingRow[]).map(toFeaturing);
  }

  async stats(paperId: number): Promise<PaperStats> {
    const r = this.#s.oneStats!.get(paperId) as StatsRow | undefined;
    return r ? toStats(r) : { votes: 0, importedVotes: 0, comments: 0 };
  }

  #cards(ids: number[]): Map<number, PaperCard> {
    const json = JSON.stringify(ids);
    const authors = new Map<number, string[]>();
    for (const a of this.#s.authors!.all(json) as { paper_id: number; name: string }[]) {
      const list = authors.get(a.paper_id);
      if (list) list.push(a.name);
      else authors.set(a.paper_id, [a.name]);
    }
    const links = new Map<number, PaperLink[]>();
    for (const l of this.#s.links!.all(json) as unknown as (PaperLink & { paper_id: number })[]) {
      const link = { kind: l.kind, url: l.url, host: l.host };
      const list = links.get(l.paper_id);
      if (list) list.push(link);
      else links.set(l.paper_id, [link]);
    }
    const out = new Map<number, PaperCard>();
    for (const r of this.#s.cards!.all(json) as unknown as CardRow[]) {
      out.set(r.id, {
        id: r.id,
        arxivId: r.arxiv_id,
        version: r.version,
        title: r.title,
        abstract: r.abstract,
        authors: authors.get(r.id) ?? [],
        authorCount: r.author_count,
        categories: r.categories ? r.categories.split(' ') : [],
        submittedAt: r.submitted_at,
        updatedAt: r.updated_at,
        links: links.get(r.id) ?? [],
        withdrawnAt: r.withdrawn_at,
      });
    }
    return out;
  }

  #stats(ids: number[]): Map<number, PaperStats> {
    const rows = this.#s.stats!.all(JSON.stringify(ids)) as unknown as StatsRow[];
    return new Map(rows.map((r) => [r.paper_id, toStats(r)]));
  }
}

const toStats = (r: StatsRow): PaperStats => ({
  votes: r.votes,
  importedVotes: r.imported_votes,
  comments: r.comments,
});

const toFeaturing = (r: FeaturingRow): Featuring => ({
  day: r.day,
  featuredAt: r.created_at,
  source: r.source,
  submittedBy: r.submitted_by,
});
