/**
 * SearchRepository on SQLite: FTS5 for the keyword side (ranked inside the FTS table, joined to
 * papers only for the top rows, as measured in docs/ARCHITECTURE.md), plain tables for models
 * and vectors.
 */

import type { DatabaseSync } from 'node:sqlite';
import { quote } from '../db/fts5.ts';
import { sqliteTransaction } from '../db/statements.ts';
import { type Ranked, TopLists } from '../db/toplists.ts';
import { categoryToken } from '../papers/prepared.ts';
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

function ftsTerm(t: PlanTerm): string {
  const text = t.field === 'categories' ? categoryToken(t.text) : t.text;
  const body =
    t.kind === 'prefix' || (t.field === 'categories' && !t.text.includes('.'))
      ? `${quote(text)} *`
      : quote(text);
  return t.field ? `${t.field} : ${body}` : body;
}

/** KeywordPlan → FTS5 MATCH text (every term quoted: no user text is syntax), or null. */
function toMatch(plan: Pick<KeywordPlan, 'groups' | 'not'>): string | null {
  const groups = plan.groups.filter((g) => g.length > 0);
  if (groups.length === 0) return null;
  const pos = groups
    .map((g) => (g.length === 1 ? ftsTerm(g[0]!) : `(${g.map(ftsTerm).join(' OR ')})`))
    .join(' AND ');
  return plan.not.length ? `(${pos}) NOT (${plan.not.map(ftsTerm).join(' OR ')})` : pos;
}

/**
 * The plan as AND-ed single phrases when top lists can rank it (src/db/toplists.ts): no OR
 * groups, no exclusions, no author/category terms (those filter; they do not score).
 */
function listPhrases(plan: KeywordPlan): string[] | null {
  if (plan.not.length > 0) return null;
  const out: string[] = [];
  for (const g of plan.groups) {
    if (g.length === 0) continue;
    if (g.length > 1 || g[0]!.field === 'categories' || g[0]!.field === 'authors') return null;
    out.push(ftsTerm(g[0]!));
  }
  return out.length ? out : null;
}

const MIN_DATE = '0000';
const MAX_DATE = '9999';
const ids = (xs: number[]) => JSON.stringify(xs);

/** SQL condition + params checking filter terms against papers columns (alias p). */
function filterSql(plan: KeywordPlan): { sql: string; params: string[] } {
  const parts: string[] = [];
  const params: string[] = [];
  const one = (t: PlanTerm): string | null => {
    if (t.field === 'categories') {
      const pats = categoryPatterns(t.text);
      params.push(...pats.map((p) => p));
      return `(${pats.map(() => `(' ' || lower(p.categories) || ' ') LIKE ?`).join(' OR ')})`;
    }
    if (t.field === 'authors') {
      const words = t.text.split(' ');
      params.push(...words.map((w) => `%${escapeLike(w)}%`));
      return `(${words.map(() => `lower(p.authors_text) LIKE ? ESCAPE '\\'`).join(' AND ')})`;
    }
    return null;
  };
  for (const g of plan.groups) {
    if (!g.every((t) => t.field === 'categories' || t.field === 'authors')) continue;
    const alts = g.map(one).filter((x): x is string => x !== null);
    if (alts.length) parts.push(`(${alts.join(' OR ')})`);
  }
  for (const t of plan.not) {
    const c = one(t);
    if (c) parts.push(`NOT ${c}`);
  }
  return { sql: parts.length ? parts.join(' AND ') : '1', params };
}

/** The prepared statements, one typed member each: a misspelt name fails to compile. */
function statements(db: DatabaseSync) {
  const p = (sql: string) => db.prepare(sql);
  return {
    postings: p('SELECT rowid AS id FROM papers_fts WHERE papers_fts MATCH ? LIMIT ?'),
    // Counting is 20-50x cheaper than returning the rows (1M papers: 0.2-0.6 ms vs 3-14 ms for
    // 10,000 rows of a common word), so a common word's ids are never read.
    postingsCount: p('SELECT count(*) AS n FROM (SELECT 1 FROM papers_fts WHERE papers_fts MATCH ? LIMIT ?)'),
    relevance: p(
      `SELECT rowid AS id, -rank AS score FROM papers_fts WHERE papers_fts MATCH ? ORDER BY rank LIMIT ?`,
    ),
    relevanceDated: p(`SELECT f.rowid AS id, -f.rank AS score
      FROM (SELECT rowid, rank FROM papers_fts WHERE papers_fts MATCH ? ORDER BY rank LIMIT ${CANDIDATE_POOL}) f
      JOIN papers p ON p.id = f.rowid WHERE p.submitted_at >= ? AND p.submitted_at < ? ORDER BY f.rank LIMIT ?`),
    // The planner walks papers_submitted newest first and probes the materialized match set,
    // stopping after LIMIT rows.
    byDate: p(`SELECT p.id FROM papers p
      WHERE p.id IN (SELECT rowid FROM papers_fts WHERE papers_fts MATCH ?)
        AND p.submitted_at >= ? AND p.submitted_at < ?
      ORDER BY p.submitted_at DESC, p.id DESC LIMIT ?`),
    byVotes: p(`SELECT f.rowid AS id
      FROM (SELECT rowid, rank FROM papers_fts WHERE papers_fts MATCH ? ORDER BY rank LIMIT ${CANDIDATE_POOL}) f
      JOIN papers p ON p.id = f.rowid LEFT JOIN paper_stats s ON s.paper_id = f.rowid
      WHERE p.submitted_at >= ? AND p.submitted_at < ?
      ORDER BY coalesce(s.votes, 0) + coalesce(s.imported_votes, 0) DESC, f.rank LIMIT ?`),
    hits: p(`SELECT p.id, p.arxiv_id, p.title, p.abstract, p.authors_text, p.categories, p.submitted_at,
        coalesce(s.votes, 0) + coalesce(s.imported_votes, 0) AS votes
      FROM papers p LEFT JOIN paper_stats s ON s.paper_id = p.id
      WHERE p.id IN (SELECT value FROM json_each(?))`),
    idOf: p('SELECT id FROM papers WHERE arxiv_id = ?'),
    submitted: p('SELECT id, submitted_at FROM papers WHERE id IN (SELECT value FROM json_each(?))'),
    activeModel: p('SELECT version, kind, dimensions FROM search_models WHERE active = 1'),
    modelBytes: p('SELECT model FROM search_models WHERE version = ?'),
    deactivate: p('UPDATE search_models SET active = 0 WHERE active = 1'),
    saveModel: p(`INSERT INTO search_models (version, kind, dimensions, model, created_at, active)
      VALUES (?, ?, ?, ?, ?, 1) ON CONFLICT (version) DO UPDATE SET active = 1`),
    maxSeq: p('SELECT coalesce(max(seq), 0) AS s FROM paper_vectors WHERE model = ?'),
    upsertVector:
      p(`INSERT INTO paper_vectors (model, paper_id, seq, content_hash, vector) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (model, paper_id) DO UPDATE SET seq = excluded.seq, content_hash = excluded.content_hash,
        vector = excluded.vector`),
    vectorsAfter: p(`SELECT paper_id, seq, vector FROM paper_vectors WHERE model = ? AND seq > ?
      ORDER BY seq LIMIT ?`),
    vectorCount: p('SELECT count(*) AS n FROM paper_vectors WHERE model = ?'),
    dropOthers: p('DELETE FROM paper_vectors WHERE model <> ?'),
    pending: p(`SELECT p.id, p.title, p.abstract, p.content_hash FROM papers p
      LEFT JOIN paper_vectors v ON v.model = ? AND v.paper_id = p.id
      WHERE p.id > ? AND (v.paper_id IS NULL OR v.content_hash <> p.content_hash)
      ORDER BY p.id LIMIT ?`),
    maxId: p('SELECT coalesce(max(id), 0) AS n FROM papers'),
    texts: p('SELECT title, abstract FROM papers WHERE id IN (SELECT value FROM json_each(?))'),
  };
}

export class SqliteSearchRepository implements SearchRepository {
  readonly #db: DatabaseSync;
  readonly #s: ReturnType<typeof statements>;
  readonly #topLists: TopLists;

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#topLists = new TopLists(db);
    this.#s = statements(db);
  }

  async keyword(plan: KeywordPlan, limit: number, options: SearchOptions = {}): Promise<ScoredId[]> {
    const match = toMatch(plan);
    const from = plan.dates.from ?? MIN_DATE;
    const to = plan.dates.to ?? MAX_DATE;
    if (match === null) return this.#browse(plan, from, to, limit);
    const dated = plan.dates.from !== undefined || plan.dates.to !== undefined;
    if (plan.sort === 'relevance' && !dated) {
      const direct = (k: number) => this.#s.relevance.all(match, k) as unknown as Ranked[];
      const groups = plan.not.length === 0 ? plan.groups.filter((g) => g.length > 0) : [];
      const phrases = listPhrases(plan);
      const rows = phrases
        ? this.#topLists.rankOrRemember(phrases, limit, direct, options.atLeast)
        : groups.length === 1 && groups[0]!.every((t) => t.field !== 'categories' && t.field !== 'authors')
          ? this.#topLists.rankGroupOrFts(groups[0]!.map(ftsTerm), limit, direct)
          : null;
      if (rows) return rows.map((r) => ({ paperId: r.id, score: r.score }));
    }
    if (plan.sort === 'relevance') {
      const rows = (
        dated ? this.#s.relevanceDated.all(match, from, to, limit) : this.#s.relevance.all(match, limit)
      ) as { id: number; score: number }[];
      return rows.map((r) => ({ paperId: r.id, score: r.score }));
    }
    const stmt = plan.sort === 'date' ? this.#s.byDate : this.#s.byVotes;
    const rows = stmt.all(match, from, to, limit) as { id: number }[];
    return rows.map((r, i) => ({ paperId: r.id, score: rows.length - i }));
  }

  async postings(terms: PlanTerm[], cap: number): Promise<(number[] | null)[]> {
    return terms.map((t) => {
      const match = ftsTerm(t);
      if ((this.#s.postingsCount.get(match, cap + 1) as { n: number }).n > cap) return null;
      return (this.#s.postings.all(match, cap + 1) as { id: number }[]).map((r) => r.id);
    });
  }

  /** No text: the filters alone, newest first (category and author filters are LIKE checks). */
  #browse(plan: KeywordPlan, from: string, to: string, limit: number): ScoredId[] {
    const f = filterSql(plan);
    const text = plan.not.filter((t) => t.field !== 'categories' && t.field !== 'authors');
    const notMatch = text.length ? toMatch({ groups: [text], not: [] }) : null;
    const sql = `SELECT p.id FROM papers p WHERE p.submitted_at >= ? AND p.submitted_at < ? AND ${f.sql}
      ${notMatch ? 'AND p.id NOT IN (SELECT rowid FROM papers_fts WHERE papers_fts MATCH ?)' : ''}
      ORDER BY p.submitted_at DESC, p.id DESC LIMIT ?`;
    const params = [from, to, ...f.params, ...(notMatch ? [notMatch] : []), limit];
    const rows = this.#db.prepare(sql).all(...params) as { id: number }[];
    return rows.map((r, i) => ({ paperId: r.id, score: rows.length - i }));
  }

  async satisfying(idList: number[], plan: KeywordPlan): Promise<Set<number>> {
    if (idList.length === 0) return new Set();
    const f = filterSql(plan);
    // Excluded words (-survey) are checked against the full-text index.
    const text = plan.not.filter((t) => t.field !== 'categories' && t.field !== 'authors');
    const notMatch = text.length ? toMatch({ groups: [text], not: [] }) : null;
    const sql = `SELECT p.id FROM papers p WHERE p.id IN (SELECT value FROM json_each(?))
      AND p.submitted_at >= ? AND p.submitted_at < ? AND ${f.sql}
      ${notMatch ? 'AND p.id NOT IN (SELECT rowid FROM papers_fts WHERE papers_fts MATCH ?)' : ''}`;
    const params = [ids(idList), plan.dates.from ?? MIN_DATE, plan.dates.to ?? MAX_DATE, ...f.params];
    if (notMatch) params.push(notMatch);
    const rows = this.#db.prepare(sql).all(...params) as { id: number }[];
    return new Set(rows.map((r) => r.id));
  }

  async hits(idList: number[]): Promise<HitInfo[]> {
    if (idList.length === 0) return [];
    const rows = this.#s.hits.all(ids(idList)) as {
      id: number;
      arxiv_id: string;
      title: string;
      abstract: string;
      authors_text: string;
      categories: string;
      submitted_at: string;
      votes: number;
    }[];
    return rows.map((r) => ({
      paperId: r.id,
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
    return (this.#s.idOf.get(arxivId) as { id: number } | undefined)?.id ?? null;
  }

  async submittedAt(idList: number[]): Promise<Map<number, string>> {
    const rows = this.#s.submitted.all(ids(idList)) as { id: number; submitted_at: string }[];
    return new Map(rows.map((r) => [r.id, r.submitted_at]));
  }

  async activeModel(): Promise<ModelInfo | null> {
    const r = this.#s.activeModel.get() as ModelInfo | undefined;
    return r ? { version: r.version, kind: r.kind, dimensions: r.dimensions } : null;
  }

  async modelBytes(version: string): Promise<Uint8Array | null> {
    const r = this.#s.modelBytes.get(version) as { model: Uint8Array | null } | undefined;
    return r?.model ?? null;
  }

  async saveModel(info: ModelInfo, bytes: Uint8Array | null): Promise<void> {
    sqliteTransaction(this.#db, () => {
      this.#s.deactivate.run();
      this.#s.saveModel.run(info.version, info.kind, info.dimensions, bytes, new Date().toISOString());
    });
  }

  async upsertVectors(
    model: string,
    rows: { paperId: number; contentHash: string; vector: Int8Array }[],
  ): Promise<void> {
    sqliteTransaction(this.#db, () => {
      let seq = (this.#s.maxSeq.get(model) as { s: number }).s;
      for (const r of rows) {
        const bytes = new Uint8Array(r.vector.buffer, r.vector.byteOffset, r.vector.byteLength);
        this.#s.upsertVector.run(model, r.paperId, ++seq, r.contentHash, bytes);
      }
    });
  }

  async vectorsAfter(model: string, seq: number, limit: number): Promise<VectorRow[]> {
    const rows = this.#s.vectorsAfter.all(model, seq, limit) as {
      paper_id: number;
      seq: number;
      vector: Uint8Array;
    }[];
    return rows.map((r) => ({
      paperId: r.paper_id,
      seq: r.seq,
      vector: new Int8Array(r.vector.buffer, r.vector.byteOffset, r.vector.byteLength),
    }));
  }

  async vectorCount(model: string): Promise<number> {
    return (this.#s.vectorCount.get(model) as { n: number }).n;
  }

  async dropVectorsExcept(model: string): Promise<number> {
    return Number(this.#s.dropOthers.run(model).changes);
  }

  async pendingPapers(model: string, afterId: number, limit: number): Promise<PendingPaper[]> {
    const rows = this.#s.pending.all(model, afterId, limit) as {
      id: number;
      title: string;
      abstract: string;
      content_hash: string;
    }[];
    return rows.map((r) => ({ id: r.id, title: r.title, abstract: r.abstract, contentHash: r.content_hash }));
  }

  async maxPaperId(): Promise<number> {
    return (this.#s.maxId.get() as { n: number }).n;
  }

  async texts(idList: number[]): Promise<{ title: string; abstract: string }[]> {
    return (this.#s.texts.all(ids(idList)) as { title: string; abstract: string }[]).map((r) => ({
      title: r.title,
      abstract: r.abstract,
    }));
  }
}
