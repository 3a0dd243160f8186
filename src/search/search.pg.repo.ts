/**
 * SearchRepository on PostgreSQL: tsquery over the generated `search` tsvector (labels: A title,
 * B authors, C abstract, D categories; configuration `paperboy`, migrations/postgres/019), ranked
 * by FTS5's bm25 exactly as on SQLite: from the per-phrase top lists when they can answer, else
 * over the whole match set (toplists.pg.ts); models and vectors in plain tables.
 */
import type pg from 'pg';
import { inTransaction } from '../db/postgres.ts';
import { named } from '../db/statements.ts';
import { quoteOperand } from '../db/tsquery.ts';
import { categoryToken } from '../papers/prepared.ts';
import { tooBroad } from './budget.ts';
import {
  CANDIDATE_POOL,
  categoryPatterns,
  escapeLike,
  type HitInfo,
  type KeywordPlan,
  type ModelInfo,
  type PendingPaper,
  type PlanTerm,
  type ScoredId,
  type SearchOptions,
  type SearchRepository,
  type VectorRow,
} from './search.repo.ts';
import {
  answerFromLists,
  bm25Idf,
  bm25Sql,
  CLAIM_EXPIRY,
  DirtyIds,
  type ListsContext,
  listsContext,
  type Query,
  StatsCache,
  TS_CONFIG,
} from './toplists.pg.ts';

const LABEL = { title: 'A', authors: 'B', categories: 'D' } as const;
const MIN_DATE = '0000';
const MAX_DATE = '9999';

/**
 * The fixed statements, named (src/db/statements.ts). The keyword statements are built per query
 * (TsBuilder below) and stay unnamed: a name must always carry one text.
 */
const S = named('search', {
  hits: `SELECT p.id, p.arxiv_id, p.title, p.abstract, p.authors_text, p.categories, p.submitted_at,
        (coalesce(s.votes, 0) + coalesce(s.imported_votes, 0))::int AS votes
      FROM papers p LEFT JOIN paper_stats s ON s.paper_id = p.id WHERE p.id = ANY($1::bigint[])`,
  paperIdOf: 'SELECT id FROM papers WHERE arxiv_id = $1',
  submittedAt: 'SELECT id, submitted_at FROM papers WHERE id = ANY($1::bigint[])',
  activeModel: 'SELECT version, kind, dimensions FROM search_models WHERE active',
  modelBytes: 'SELECT model FROM search_models WHERE version = $1',
  deactivateModels: 'UPDATE search_models SET active = FALSE WHERE active',
  saveModel: `INSERT INTO search_models (version, kind, dimensions, model, created_at, active)
        VALUES ($1, $2, $3, $4, $5, TRUE) ON CONFLICT (version) DO UPDATE SET active = TRUE`,
  upsertVectors: `INSERT INTO paper_vectors (model, paper_id, content_hash, vector)
      SELECT $1, u.id, u.h, u.v FROM unnest($2::bigint[], $3::text[], $4::bytea[]) AS u (id, h, v)
      ON CONFLICT (model, paper_id) DO UPDATE SET seq = nextval('paper_vectors_seq'),
        content_hash = excluded.content_hash, vector = excluded.vector`,
  vectorsAfter: `SELECT paper_id, seq, vector FROM paper_vectors WHERE model = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
  vectorCount: 'SELECT count(*) AS n FROM paper_vectors WHERE model = $1',
  dropVectorsExcept: 'DELETE FROM paper_vectors WHERE model <> $1',
  pendingPapers: `SELECT p.id, p.title, p.abstract, p.content_hash FROM papers p
      LEFT JOIN paper_vectors v ON v.model = $1 AND v.paper_id = p.id
      WHERE p.id > $2 AND (v.paper_id IS NULL OR v.content_hash <> p.content_hash)
      ORDER BY p.id LIMIT $3`,
  // Ids above the lowest open writer claim may still be joined by smaller ones committing late
  // (papers.pg.repo.ts): a reader walking ids upwards stops below it.
  maxPaperId: `SELECT least((SELECT max(id) FROM papers),
    (SELECT min(low) FROM paper_id_claims WHERE claimed_at > now() - ${CLAIM_EXPIRY})) AS n`,
  texts: 'SELECT title, abstract FROM papers WHERE id = ANY($1::bigint[])',
  listDfs: 'SELECT phrase, df FROM keyword_toplists WHERE phrase = ANY($1::text[])',
});

/** Builds tsquery SQL with user text only in parameters (see db/tsquery.ts for the operand form). */
class TsBuilder {
  readonly params: unknown[] = [];
  param(v: unknown): string {
    this.params.push(v);
    return `$${this.params.length}`;
  }
  /** The term's one tsquery operand (db/tsquery.ts): also its top list's key (toplists.pg.ts). */
  operand(t: PlanTerm, field: PlanTerm['field'] = t.field): string {
    const cat = field === 'categories';
    const text = cat ? categoryToken(t.text) : t.text;
    const prefix = t.kind === 'prefix' || (cat && !t.text.includes('.'));
    const labels = (prefix ? '*' : '') + (field ? LABEL[field] : '');
    return quoteOperand(text) + (labels ? `:${labels}` : '');
  }
  term(t: PlanTerm, field: PlanTerm['field'] = t.field): string {
    const config = field === 'categories' ? 'simple' : TS_CONFIG;
    return `to_tsquery('${config}'::regconfig, ${this.param(this.operand(t, field))})`;
  }
  /** AND of OR-groups minus `not`; `field` forces unfielded terms onto one field. */
  query(plan: Pick<KeywordPlan, 'groups' | 'not'>, field?: PlanTerm['field']): string {
    const groups = plan.groups.map((g) => `(${g.map((t) => this.term(t, t.field ?? field)).join(' || ')})`);
    const nots = plan.not.map((t) => `(!!${this.term(t)})`);
    return `(${[...groups, ...nots].join(' && ')})`;
  }
}

/**
 * The plan as AND-ed single operands when top lists can rank it (as search.sqlite.repo.ts
 * listPhrases): no OR groups, no exclusions, no author/category terms (those filter).
 */
function listPhrases(plan: KeywordPlan): string[] | null {
  if (plan.not.length > 0) return null;
  const b = new TsBuilder();
  const out: string[] = [];
  for (const g of plan.groups) {
    if (g.length === 0) continue;
    if (g.length > 1 || g[0]!.field === 'categories' || g[0]!.field === 'authors') return null;
    out.push(b.operand(g[0]!));
  }
  return out.length ? out : null;
}

function filterSql(plan: KeywordPlan, b: TsBuilder): string {
  const one = (t: PlanTerm): string | null => {
    if (t.field === 'categories')
      return `(${categoryPatterns(t.text)
        .map((p) => `(' ' || lower(p.categories) || ' ') LIKE ${b.param(p)}`)
        .join(' OR ')})`;
    if (t.field === 'authors')
      return `(${t.text
        .split(' ')
        .map((w) => `lower(p.authors_text) LIKE ${b.param(`%${escapeLike(w)}%`)}`)
        .join(' AND ')})`;
    return null;
  };
  const parts: string[] = [];
  for (const g of plan.groups) {
    if (!g.every((t) => t.field === 'categories' || t.field === 'authors')) continue;
    parts.push(`(${g.map(one).join(' OR ')})`);
  }
  for (const t of plan.not) {
    const c = one(t);
    if (c) parts.push(`NOT ${c}`);
  }
  return parts.length ? parts.join(' AND ') : 'TRUE';
}

export class PgSearchRepository implements SearchRepository {
  readonly #pool: pg.Pool;
  readonly #stats = new StatsCache();
  readonly #dirty = new DirtyIds();
  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  /**
   * Search statements under the caller's budget: the server cancels each at `statement_timeout`
   * (SQLSTATE 57014), so a broad query costs the database no more than its budget. One
   * transaction carries every statement of one search.
   */
  async #session<T>(options: SearchOptions, fn: (query: Query) => Promise<T>): Promise<T> {
    const ms = options.budgetMs;
    if (!ms) return fn(async (sql, params) => (await this.#pool.query(sql, params)).rows);
    try {
      return await inTransaction(this.#pool, async (c) => {
        await c.query(`SET LOCAL statement_timeout = ${Math.max(1, Math.floor(ms))}`);
        return fn(async (sql, params) => (await c.query(sql, params)).rows);
      });
    } catch (err) {
      if ((err as { code?: string }).code === '57014') throw tooBroad(ms);
      throw err;
    }
  }

  async #budgeted<R extends pg.QueryResultRow>(
    sql: string,
    params: unknown[],
    options: SearchOptions,
  ): Promise<R[]> {
    return this.#session(options, async (q) => (await q(sql, params)) as R[]);
  }

  async #ids(sql: string, params: unknown[], options: SearchOptions = {}): Promise<number[]> {
    const rows = await this.#budgeted<{ id: string }>(sql, params, options);
    return rows.map((r) => Number(r.id));
  }

  async keyword(plan: KeywordPlan, limit: number, options: SearchOptions = {}): Promise<ScoredId[]> {
    const b = new TsBuilder();
    const from = b.param(plan.dates.from ?? MIN_DATE);
    const to = b.param(plan.dates.to ?? MAX_DATE);
    const dated = `p.submitted_at >= ${from} AND p.submitted_at < ${to}`;
    const ranked = (rows: number[]) => rows.map((id, i) => ({ paperId: id, score: rows.length - i }));
    if (!plan.groups.some((g) => g.length > 0)) {
      const f = filterSql(plan, b);
      const text = plan.not.filter((t) => t.field !== 'categories' && t.field !== 'authors');
      const not = text.length ? `AND NOT (p.search @@ ${b.query({ groups: [text], not: [] })})` : '';
      const lim = b.param(limit);
      return ranked(
        await this.#ids(
          `SELECT p.id FROM papers p WHERE ${dated} AND ${f} ${not}
          ORDER BY p.submitted_at DESC, p.id DESC LIMIT ${lim}`,
          b.params,
          options,
        ),
      );
    }
    const full = b.query(plan);
    if (plan.sort === 'date') {
      const lim = b.param(limit);
      return ranked(
        await this.#ids(
          `SELECT p.id FROM papers p WHERE p.search @@ ${full} AND ${dated}
          ORDER BY p.submitted_at DESC, p.id DESC LIMIT ${lim}`,
          b.params,
          options,
        ),
      );
    }
    return this.#session(options, (query) => this.#ranked(query, plan, limit, b, full, dated));
  }

  /** Relevance (or votes among the most relevant): bm25, from the top lists when they can. */
  async #ranked(
    query: Query,
    plan: KeywordPlan,
    limit: number,
    b: TsBuilder,
    full: string,
    dated: string,
  ): Promise<ScoredId[]> {
    const ctx = await listsContext(query);
    const hasDates = plan.dates.from !== undefined || plan.dates.to !== undefined;
    if (plan.sort === 'relevance' && !hasDates) {
      const phrases = listPhrases(plan);
      const rows = phrases
        ? await answerFromLists(query, phrases, limit, ctx, this.#remember, this.#dirty)
        : null;
      if (rows) return rows.map((r) => ({ paperId: r.id, score: r.score }));
    }
    // bm25 over the whole match set (toplists.pg.ts): what FTS5 does when no list answers.
    const terms = plan.groups.flat().filter((t) => t.field !== 'categories');
    let rows = 'papers p';
    let score = '0::float8'; // category filters only: bm25 gives every match 0, as FTS5's weight 0
    if (terms.length) {
      const stats = await this.#stats.get(query, ctx);
      const dfs = await this.#dfs(
        query,
        terms.map((t) => b.operand(t)),
        ctx,
      );
      ({ from: rows, score } = bm25Sql(
        terms.map((t, i) => ({ tsquery: b.term(t), idf: b.param(bm25Idf(dfs[i]!, stats.docs)) })),
        b.param(stats.avgdl),
      ));
    }
    if (plan.sort === 'votes') {
      const pool = b.param(CANDIDATE_POOL);
      const lim = b.param(limit);
      const found = (await query(
        `WITH cand AS (SELECT p.id, ${score} AS score FROM ${rows} WHERE p.search @@ ${full} AND ${dated}
            ORDER BY score DESC, p.id LIMIT ${pool})
          SELECT cand.id FROM cand LEFT JOIN paper_stats s ON s.paper_id = cand.id
          ORDER BY coalesce(s.votes, 0) + coalesce(s.imported_votes, 0) DESC, cand.score DESC, cand.id LIMIT ${lim}`,
        b.params,
      )) as { id: string }[];
      return found.map((r, i) => ({ paperId: Number(r.id), score: found.length - i }));
    }
    const lim = b.param(limit);
    const found = (await query(
      `SELECT p.id, ${score} AS score FROM ${rows} WHERE p.search @@ ${full} AND ${dated}
      ORDER BY score DESC, p.id LIMIT ${lim}`,
      b.params,
    )) as { id: string; score: number }[];
    return found.map((r) => ({ paperId: Number(r.id), score: r.score }));
  }

  /** A frequent phrase's list, stored on its own connection (never inside a search's budget). */
  readonly #remember: Query = async (sql, params) => (await this.#pool.query(sql, params)).rows;

  /** Match counts of tsquery operands: stored with their lists, else counted now. */
  async #dfs(query: Query, operands: string[], ctx: ListsContext): Promise<number[]> {
    const known = new Map<string, number>();
    if (ctx.valid && operands.length) {
      const rows = (await query(S.listDfs.text, [operands])) as { phrase: string; df: number }[];
      for (const r of rows) known.set(r.phrase, r.df);
    }
    const out: number[] = [];
    for (const op of operands) {
      let df = known.get(op);
      if (df === undefined) {
        const [r] = (await query(
          `SELECT count(*) AS n FROM papers p WHERE p.search @@ to_tsquery('${TS_CONFIG}'::regconfig, $1)`,
          [op],
        )) as { n: string }[];
        df = Number(r?.n ?? 0);
        known.set(op, df);
      }
      out.push(df);
    }
    return out;
  }

  async postings(terms: PlanTerm[], cap: number, options: SearchOptions = {}): Promise<(number[] | null)[]> {
    const out: (number[] | null)[] = [];
    for (const t of terms) {
      const b = new TsBuilder();
      const q = b.query({ groups: [[t]], not: [] });
      const lim = b.param(cap + 1);
      // Counted first: a common word's ids are never sent.
      const [n] = await this.#budgeted<{ n: string }>(
        `SELECT count(*) AS n FROM (SELECT 1 FROM papers p WHERE p.search @@ ${q} LIMIT ${lim}) s`,
        b.params,
        options,
      );
      if (Number(n?.n ?? 0) > cap) {
        out.push(null);
        continue;
      }
      out.push(
        await this.#ids(`SELECT p.id FROM papers p WHERE p.search @@ ${q} LIMIT ${lim}`, b.params, options),
      );
    }
    return out;
  }

  async satisfying(ids: number[], plan: KeywordPlan, options: SearchOptions = {}): Promise<Set<number>> {
    if (ids.length === 0) return new Set();
    const b = new TsBuilder();
    const list = b.param(ids);
    const from = b.param(plan.dates.from ?? MIN_DATE);
    const to = b.param(plan.dates.to ?? MAX_DATE);
    const f = filterSql(plan, b);
    const text = plan.not.filter((t) => t.field !== 'categories' && t.field !== 'authors');
    const not = text.length ? `AND NOT (p.search @@ ${b.query({ groups: [text], not: [] })})` : '';
    const rows = await this.#ids(
      `SELECT p.id FROM papers p WHERE p.id = ANY(${list}::bigint[])
        AND p.submitted_at >= ${from} AND p.submitted_at < ${to} AND ${f} ${not}`,
      b.params,
      options,
    );
    return new Set(rows);
  }

  async hits(ids: number[]): Promise<HitInfo[]> {
    if (ids.length === 0) return [];
    const res = await this.#pool.query<{
      id: string;
      arxiv_id: string;
      title: string;
      abstract: string;
      authors_text: string;
      categories: string;
      submitted_at: string;
      votes: number;
    }>({ ...S.hits, values: [ids] });
    return res.rows.map((r) => ({
      paperId: Number(r.id),
      arxivId: r.arxiv_id,
      title: r.title,
      abstract: r.abstract,
      authorsText: r.authors_text,
      categories: r.categories,
      submittedAt: r.submitted_at,
      votes: r.votes,
    }));
  }

  async paperIdOf(arxivId: string): Promise<number | null> {
    const res = await this.#pool.query<{ id: string }>({ ...S.paperIdOf, values: [arxivId] });
    return res.rows[0] ? Number(res.rows[0].id) : null;
  }

  async submittedAt(ids: number[]): Promise<Map<number, string>> {
    const res = await this.#pool.query<{ id: string; submitted_at: string }>({
      ...S.submittedAt,
      values: [ids],
    });
    return new Map(res.rows.map((r) => [Number(r.id), r.submitted_at]));
  }

  async activeModel(): Promise<ModelInfo | null> {
    const res = await this.#pool.query<ModelInfo>({ ...S.activeModel });
    const r = res.rows[0];
    return r ? { version: r.version, kind: r.kind, dimensions: r.dimensions } : null;
  }

  async modelBytes(version: string): Promise<Uint8Array | null> {
    const res = await this.#pool.query<{ model: Buffer | null }>({ ...S.modelBytes, values: [version] });
    return res.rows[0]?.model ?? null;
  }

  async saveModel(info: ModelInfo, bytes: Uint8Array | null): Promise<void> {
    await inTransaction(this.#pool, async (c) => {
      await c.query({ ...S.deactivateModels });
      await c.query({
        ...S.saveModel,
        values: [
          info.version,
          info.kind,
          info.dimensions,
          bytes ? Buffer.from(bytes) : null,
          new Date().toISOString(),
        ],
      });
    });
  }

  async upsertVectors(
    model: string,
    rows: { paperId: number; contentHash: string; vector: Int8Array }[],
  ): Promise<void> {
    if (rows.length === 0) return;
    await this.#pool.query({
      ...S.upsertVectors,
      values: [
        model,
        rows.map((r) => r.paperId),
        rows.map((r) => r.contentHash),
        rows.map((r) => Buffer.from(r.vector.buffer, r.vector.byteOffset, r.vector.byteLength)),
      ],
    });
  }

  async vectorsAfter(model: string, seq: number, limit: number): Promise<VectorRow[]> {
    const res = await this.#pool.query<{ paper_id: string; seq: string; vector: Buffer }>({
      ...S.vectorsAfter,
      values: [model, seq, limit],
    });
    return res.rows.map((r) => ({
      paperId: Number(r.paper_id),
      seq: Number(r.seq),
      vector: new Int8Array(r.vector.buffer, r.vector.byteOffset, r.vector.byteLength),
    }));
  }

  async vectorCount(model: string): Promise<number> {
    const res = await this.#pool.query<{ n: string }>({ ...S.vectorCount, values: [model] });
    return Number(res.rows[0]!.n);
  }

  async dropVectorsExcept(model: string): Promise<number> {
    const res = await this.#pool.query({ ...S.dropVectorsExcept, values: [model] });
    return res.rowCount ?? 0;
  }

  async pendingPapers(model: string, afterId: number, limit: number): Promise<PendingPaper[]> {
    const res = await this.#pool.query<{ id: string; title: string; abstract: string; content_hash: string }>(
      {
        ...S.pendingPapers,
        values: [model, afterId, limit],
      },
    );
    return res.rows.map((r) => ({
      id: Number(r.id),
      title: r.title,
      abstract: r.abstract,
      contentHash: r.content_hash,
    }));
  }

  async maxPaperId(): Promise<number> {
    const res = await this.#pool.query<{ n: string | null }>({ ...S.maxPaperId });
    return Number(res.rows[0]!.n ?? 0);
  }

  async texts(ids: number[]): Promise<{ title: string; abstract: string }[]> {
    const res = await this.#pool.query<{ title: string; abstract: string }>({ ...S.texts, values: [ids] });
    return res.rows;
  }
}
