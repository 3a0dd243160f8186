/** FeedRepository on PostgreSQL; same lists and semantics as feed.sqlite.repo.ts. */
import type pg from 'pg';
import { inTransaction } from '../db/postgres.ts';
import { type NamedStatement, named } from '../db/statements.ts';
import { quoteOperand } from '../db/tsquery.ts';
import type { PaperLink } from '../papers/paper.ts';
import { trendingScore } from '../ranking/trending.ts';
import { CATEGORIES } from './feed.sql.ts';
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

interface FeaturingRow {
  paper_id: string;
  day: string;
  created_at: string;
  source: Featuring['source'];
  submitted_by: string | null;
}
interface StatsRow {
  paper_id: string;
  votes: number;
  imported_votes: number;
  comments: number;
}

const ORDER = {
  votes: 's.votes + s.imported_votes DESC, f.created_at DESC, f.paper_id DESC',
  publishedAt: 'p.submitted_at DESC, p.id DESC',
  trending: 's.trending DESC NULLS LAST, f.paper_id DESC',
} as const;

const FIRST_IN_RANGE = `f.day BETWEEN $1 AND $2
  AND NOT EXISTS (SELECT 1 FROM featured g WHERE g.paper_id = f.paper_id AND g.day >= $1 AND g.day < f.day)`;
const ONE_DAY = 'f.day BETWEEN $1 AND $2';

type Sort = keyof typeof ORDER;
/** One named statement per shape of `featured()`: sort, one day or a range, by a submitter or not. */
type FeaturedKey = `${Sort}.${'day' | 'range'}${'' | '.by'}`;
const featuredKey = (sort: Sort, oneDay: boolean, by: boolean): FeaturedKey =>
  `${sort}.${oneDay ? 'day' : 'range'}${by ? '.by' : ''}`;
const shapes = (Object.keys(ORDER) as Sort[]).flatMap((sort) =>
  [true, false].flatMap((oneDay) => [false, true].map((by) => ({ sort, oneDay, by }))),
);
const FEATURED = named(
  'feed.featured',
  Object.fromEntries(
    shapes.map(({ sort, oneDay, by }) => [
      featuredKey(sort, oneDay, by),
      `SELECT f.paper_id, f.day, f.created_at, f.source, f.submitted_by
      FROM featured f JOIN paper_stats s ON s.paper_id = f.paper_id
      ${sort === 'publishedAt' ? 'JOIN papers p ON p.id = f.paper_id' : ''}
      WHERE ${oneDay ? ONE_DAY : FIRST_IN_RANGE} ${by ? 'AND f.submitted_by = $5' : ''}
      ORDER BY ${ORDER[sort]} LIMIT $3 OFFSET $4`,
    ]),
  ) as Record<FeaturedKey, string>,
);
type CountKey = `${'day' | 'range'}${'' | '.by'}`;
const countKey = (oneDay: boolean, by: boolean): CountKey => `${oneDay ? 'day' : 'range'}${by ? '.by' : ''}`;
const FEATURED_COUNT = named(
  'feed.featuredCount',
  Object.fromEntries(
    [true, false].flatMap((oneDay) =>
      [false, true].map((by) => [
        countKey(oneDay, by),
        `SELECT count(*) AS n FROM featured f WHERE ${oneDay ? ONE_DAY : FIRST_IN_RANGE} ${by ? 'AND f.submitted_by = $3' : ''}`,
      ]),
    ),
  ) as Record<CountKey, string>,
);

const S = named('feed', {
  latestFeaturedDay: 'SELECT max(day) AS day FROM featured WHERE day <= $1',
  neighbourDays: `SELECT (SELECT max(day) FROM featured WHERE day < $1) AS prev, (SELECT min(day) FROM featured WHERE day > $1) AS next`,
  anyStale: 'SELECT 1 FROM paper_stats WHERE trending IS NULL LIMIT 1',
  // SKIP LOCKED: another instance refreshing (or a vote holding a row) is left alone.
  claimStale: `SELECT paper_id, votes + imported_votes AS votes, entered_at FROM paper_stats
          WHERE trending IS NULL LIMIT 5000 FOR UPDATE SKIP LOCKED`,
  setTrending: `UPDATE paper_stats s SET trending = u.score FROM unnest($1::bigint[], $2::float8[]) AS u (id, score)
        WHERE s.paper_id = u.id`,
  trendingIn: `SELECT s.paper_id FROM paper_stats s JOIN papers p ON p.id = s.paper_id
          WHERE s.trending IS NOT NULL AND s.entered_at >= $4 AND EXISTS (SELECT 1 FROM paper_categories c
            WHERE c.category = $1 AND c.submitted_at = p.submitted_at AND c.paper_id = p.id)
          ORDER BY s.trending DESC NULLS LAST, s.paper_id DESC LIMIT $2 OFFSET $3`,
  // `since` '' is "any time" (entered_at is COLLATE "C": every text sorts at or after '').
  trending: `SELECT paper_id FROM paper_stats WHERE trending IS NOT NULL AND entered_at >= $3
          ORDER BY trending DESC NULLS LAST, paper_id DESC LIMIT $1 OFFSET $2`,
  categories: CATEGORIES,
  byCategory: `SELECT paper_id FROM paper_categories WHERE category = $1
      ORDER BY submitted_at DESC, paper_id DESC LIMIT $2 OFFSET $3`,
  byAuthor: `SELECT p.id FROM papers p WHERE p.search @@ to_tsquery('paperboy'::regconfig, $1)
      AND EXISTS (SELECT 1 FROM paper_authors a WHERE a.paper_id = p.id AND a.name = $2)
      ORDER BY p.submitted_at DESC, p.id DESC LIMIT $3 OFFSET $4`,
  firstFeaturings: `SELECT DISTINCT ON (paper_id) paper_id, day, created_at, source, submitted_by FROM featured
        WHERE paper_id = ANY($1::bigint[]) ORDER BY paper_id, day`,
  featuringsOf:
    'SELECT paper_id, day, created_at, source, submitted_by FROM featured WHERE paper_id = $1 ORDER BY day',
  stats: 'SELECT paper_id, votes, imported_votes, comments FROM paper_stats WHERE paper_id = $1',
  cards: `SELECT p.id, p.arxiv_id, p.version, p.title, p.abstract, p.author_count, p.categories, p.submitted_at,
        p.updated_at, p.withdrawn_at, p.content_hash,
        ARRAY(SELECT a.name FROM paper_authors a WHERE a.paper_id = p.id AND a.position < ${CARD_AUTHORS}
          ORDER BY a.position) AS authors,
        (SELECT coalesce(json_agg(json_build_object('kind', l.kind, 'url', l.url, 'host', l.host) ORDER BY l.position),
          '[]') FROM paper_links l WHERE l.paper_id = p.id) AS links
      FROM papers p WHERE p.id = ANY($1::bigint[])`,
  statsOf:
    'SELECT paper_id, votes, imported_votes, comments FROM paper_stats WHERE paper_id = ANY($1::bigint[])',
});

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

export class PgFeedRepository implements FeedRepository {
  readonly #pool: pg.Pool;
  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async #rows<T extends pg.QueryResultRow>(statement: NamedStatement, values: unknown[]): Promise<T[]> {
    return (await this.#pool.query<T>({ ...statement, values })).rows;
  }

  async featured(q: FeaturedQuery): Promise<{ items: FeedItem[]; total: number }> {
    if (q.sort === 'trending') await this.refreshTrending();
    const params: unknown[] = [q.from, q.to, q.limit, q.offset];
    const bySubmitter = q.submitter !== undefined;
    if (bySubmitter) params.push(q.submitter);
    // A one-day range needs no first-featuring probe per row: (day, paper_id) is the primary key.
    const oneDay = q.from === q.to;
    const rows = await this.#rows<FeaturingRow>(FEATURED[featuredKey(q.sort, oneDay, bySubmitter)], params);
    const [count] = await this.#rows<{ n: string }>(
      FEATURED_COUNT[countKey(oneDay, bySubmitter)],
      bySubmitter ? [q.from, q.to, q.submitter] : [q.from, q.to],
    );
    const ids = rows.map((r) => Number(r.paper_id));
    const featurings = new Map(rows.map((r) => [Number(r.paper_id), toFeaturing(r)]));
    const [cards, stats] = await Promise.all([this.#cards(ids), this.#stats(ids)]);
    return { items: assembleItems(ids, cards, stats, featurings), total: Number(count?.n ?? 0) };
  }

  async latestFeaturedDay(onOrBefore: string): Promise<string | null> {
    const [r] = await this.#rows<{ day: string | null }>(S.latestFeaturedDay, [onOrBefore]);
    return r?.day ?? null;
  }

  async neighbourDays(day: string): Promise<{ prev: string | null; next: string | null }> {
    const [r] = await this.#rows<{ prev: string | null; next: string | null }>(S.neighbourDays, [day]);
    return { prev: r?.prev ?? null, next: r?.next ?? null };
  }

  async refreshTrending(): Promise<number> {
    const any = await this.#rows(S.anyStale, []);
    if (any.length === 0) return 0;
    return inTransaction(this.#pool, async (c) => {
      const claimed = await c.query<{ paper_id: string; votes: number; entered_at: string }>({
        ...S.claimStale,
      });
      const rows = claimed.rows;
      if (rows.length === 0) return 0;
      await c.query({
        ...S.setTrending,
        values: [
          rows.map((r) => r.paper_id),
          rows.map((r) => trendingScore({ votes: r.votes, enteredAt: r.entered_at })),
        ],
      });
      return rows.length;
    });
  }

  async trending(limit: number, offset: number, category?: string, since = ''): Promise<FeedItem[]> {
    await this.refreshTrending();
    const rows = category
      ? await this.#rows<{ paper_id: string }>(S.trendingIn, [category, limit, offset, since])
      : await this.#rows<{ paper_id: string }>(S.trending, [limit, offset, since]);
    return this.items(rows.map((r) => Number(r.paper_id)));
  }

  async categories(): Promise<string[]> {
    return (await this.#rows<{ category: string }>(S.categories, [])).map((r) => r.category);
  }

  async byCategory(category: string, limit: number, offset: number): Promise<FeedItem[]> {
    const rows = await this.#rows<{ paper_id: string }>(S.byCategory, [category, limit, offset]);
    return this.items(rows.map((r) => Number(r.paper_id)));
  }

  async byAuthor(name: string, limit: number, offset: number): Promise<FeedItem[]> {
    const words = name.match(/[\p{L}\p{N}]+/gu);
    if (!words) return [];
    // The name's words as one phrase operand labelled B (the authors weight, see db/tsquery.ts).
    const operand = `${quoteOperand(words.join(' ').toLowerCase())}:B`;
    const rows = await this.#rows<{ id: string }>(S.byAuthor, [operand, name, limit, offset]);
    return this.items(rows.map((r) => Number(r.id)));
  }

  async items(paperIds: number[]): Promise<FeedItem[]> {
    if (paperIds.length === 0) return [];
    const [cards, stats, feats] = await Promise.all([
      this.#cards(paperIds),
      this.#stats(paperIds),
      this.#rows<FeaturingRow>(S.firstFeaturings, [paperIds]),
    ]);
    const featurings = new Map(feats.map((r) => [Number(r.paper_id), toFeaturing(r)]));
    return assembleItems(paperIds, cards, stats, featurings);
  }

  async featuringsOf(paperId: number): Promise<Featuring[]> {
    const rows = await this.#rows<FeaturingRow>(S.featuringsOf, [paperId]);
    return rows.map(toFeaturing);
  }

  async stats(paperId: number): Promise<PaperStats> {
    const [r] = await this.#rows<StatsRow>(S.stats, [paperId]);
    return r ? toStats(r) : { votes: 0, importedVotes: 0, comments: 0 };
  }

  async #cards(ids: number[]): Promise<Map<number, PaperCard>> {
    const rows = await this.#rows<{
      id: string;
      arxiv_id: string;
      version: number;
      title: string;
      abstract: string;
      author_count: number;
      categories: string;
      submitted_at: string;
      updated_at: string;
      withdrawn_at: string | null;
      content_hash: string;
      authors: string[];
      links: PaperLink[];
    }>(S.cards, [ids]);
    return new Map(
      rows.map((r) => [
        Number(r.id),
        {
          id: Number(r.id),
          arxivId: r.arxiv_id,
          version: r.version,
          title: r.title,
          abstract: r.abstract,
          authors: r.authors,
          authorCount: r.author_count,
          categories: r.categories ? r.categories.split(' ') : [],
          submittedAt: r.submitted_at,
          updatedAt: r.updated_at,
          links: r.links,
          withdrawnAt: r.withdrawn_at,
          contentHash: r.content_hash,
        },
      ]),
    );
  }

  async #stats(ids: number[]): Promise<Map<number, PaperStats>> {
    const rows = await this.#rows<StatsRow>(S.statsOf, [ids]);
    return new Map(rows.map((r) => [Number(r.paper_id), toStats(r)]));
  }
}
