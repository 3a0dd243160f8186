/**
 * PaperRepository on PostgreSQL, with the same semantics as papers.sqlite.repo.ts. A batch is one
 * transaction of a handful of multi-row statements (arrays bound as parameters and `unnest`ed),
 * so a 1,000-paper batch costs about ten round trips rather than thousands.
 */
import type pg from 'pg';
import { inTransaction } from '../db/postgres.ts';
import { named } from '../db/statements.ts';
import { NotFoundError } from '../errors.ts';
import type { Paper, PaperInput, UpsertOutcome } from './paper.ts';
import { type PreparedPaper, preparePaper } from './prepared.ts';
import type {
  BulkWriteOptions,
  Cursor,
  Featured,
  FeaturedInput,
  IngestBatch,
  IngestBatchResult,
  PaperRepository,
} from './repository.ts';
import { decideUpsert, type VersionStamp } from './versions.ts';

type CursorArg = Cursor | ((outcomes: UpsertOutcome[]) => Cursor);

/**
 * Batches from several processes write side by side (issue 18 item 2: a harvest must not wait
 * behind another instance's 10,000-paper import). What one global lock used to give, kept
 * without it:
 *  - one writer per paper: a batch locks the rows of the papers it holds that exist
 *    (`found` … FOR UPDATE, in arxiv_id order) and inserts new ones with ON CONFLICT DO NOTHING;
 *    a paper another batch inserted meanwhile is not written twice: the batch rolls back to a
 *    savepoint and decides again against the committed row (#upsert);
 *  - ids visible in id order to readers that walk ids upwards (vectorizing new papers, keyword
 *    top lists): concurrent batches commit out of order, so each batch claims its place in the
 *    id sequence first (paper_id_claims, migrations/postgres/019) and readers stop below the
 *    lowest open claim (search.pg.repo.ts maxPaperId, toplists.pg.ts settled).
 * Two batches inserting the same new papers in different orders can deadlock; PostgreSQL aborts
 * one (40P01) and it is retried (#write).
 */
const RETRIES = 5;

const TOKEN = /[\p{L}\p{N}\p{Co}]+/gu;
const tokens = (s: string) => s.match(TOKEN)?.length ?? 0;
/**
 * bm25's document length (src/search/toplists.pg.ts): tokens of the four columns FTS5 indexes
 * (title, abstract, authors, category tokens), counted as its unicode61 tokenizer splits them.
 */
function docLength(p: PreparedPaper): number {
  return tokens(p.title) + tokens(p.abstract) + tokens(p.authorsText) + tokens(p.categoryTokens);
}

/** Columns written on both insert and update, with their array type for `unnest`. */
const COLUMNS: [string, string, (p: PreparedPaper) => unknown][] = [
  ['version', 'int', (p) => p.version],
  ['title', 'text', (p) => p.title],
  ['abstract', 'text', (p) => p.abstract],
  ['authors_text', 'text', (p) => p.authorsText],
  ['author_count', 'int', (p) => p.authorCount],
  ['comments', 'text', (p) => p.comments],
  ['journal_ref', 'text', (p) => p.journalRef],
  ['doi', 'text', (p) => p.doi],
  ['report_no', 'text', (p) => p.reportNo],
  ['license', 'text', (p) => p.license],
  ['submitter', 'text', (p) => p.submitter],
  ['categories', 'text', (p) => p.categories],
  ['primary_category', 'text', (p) => p.primaryCategory],
  ['submitted_at', 'text', (p) => p.submittedAt],
  ['updated_at', 'text', (p) => p.updatedAt],
  ['content_hash', 'text', (p) => p.contentHash],
  ['doc_len', 'int', docLength],
];
const names = COLUMNS.map(([n]) => n).join(', ');
const arrays = (from: number) => COLUMNS.map(([, t], i) => `$${i + from}::${t}[]`).join(', ');

const insert = `INSERT INTO papers (arxiv_id, ${names}, ingested_at)
  SELECT arxiv_id, ${names}, $${COLUMNS.length + 2}
  FROM unnest($1::text[], ${arrays(2)}) WITH ORDINALITY AS u (arxiv_id, ${names}, ord)
  ORDER BY ord ON CONFLICT (arxiv_id) DO NOTHING RETURNING id, arxiv_id`;
const update = `UPDATE papers p SET ${COLUMNS.map(([n]) => `${n} = u.${n}`).join(', ')}
  FROM unnest($1::bigint[], ${arrays(2)}) AS u (id, ${names}) WHERE p.id = u.id`;

/** One query hydrates whole papers: children come back as JSON arrays in position order. */
const selectPapers = `SELECT p.id, p.arxiv_id, p.version, p.title, p.abstract, p.comments, p.journal_ref, p.doi,
  p.report_no, p.license, p.submitter, p.categories, p.primary_category, p.submitted_at, p.updated_at,
  p.ingested_at, p.demo, p.withdrawn_at,
  (SELECT coalesce(json_agg(json_build_object('version', v.version, 'createdAt', v.created_at, 'size', v.size)
    ORDER BY v.version), '[]') FROM paper_versions v WHERE v.paper_id = p.id) AS versions,
  (SELECT coalesce(json_agg(json_build_object('name', a.name, 'keyname', a.keyname, 'forenames', a.forenames,
    'suffix', a.suffix, 'affiliation', a.affiliation) ORDER BY a.position), '[]')
    FROM paper_authors a WHERE a.paper_id = p.id) AS authors,
  (SELECT coalesce(json_agg(json_build_object('kind', l.kind, 'url', l.url, 'host', l.host) ORDER BY l.position),
    '[]') FROM paper_links l WHERE l.paper_id = p.id) AS links
  FROM papers p`;

/**
 * Statements run per ingest batch and per paper page. Children come from the prepared JSON arrays
 * (prepared.ts), one statement per table for the whole batch: $1 paper ids, $2 the JSON texts,
 * element order = position.
 */
const S = named('papers', {
  claim: `INSERT INTO paper_id_claims (low)
    SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM papers_id_seq RETURNING id`,
  unclaim: 'DELETE FROM paper_id_claims WHERE id = $1',
  found: `SELECT id, arxiv_id, version, content_hash FROM papers WHERE arxiv_id = ANY($1::text[])
    ORDER BY arxiv_id FOR UPDATE`,
  insert,
  update,
  deleteVersions: 'DELETE FROM paper_versions WHERE paper_id = ANY($1::bigint[])',
  deleteAuthors: 'DELETE FROM paper_authors WHERE paper_id = ANY($1::bigint[])',
  deleteLinks: 'DELETE FROM paper_links WHERE paper_id = ANY($1::bigint[])',
  deleteCategories: 'DELETE FROM paper_categories WHERE paper_id = ANY($1::bigint[])',
  // A repeated version number keeps the last entry, as the SQLite repo's INSERT OR REPLACE does.
  versions: `INSERT INTO paper_versions (paper_id, version, created_at, size)
  SELECT DISTINCT ON (u.id, (e.v ->> 0)::int) u.id, (e.v ->> 0)::int, e.v ->> 1, e.v ->> 2
  FROM unnest($1::bigint[], $2::text[]) AS u (id, j), json_array_elements(u.j::json) WITH ORDINALITY AS e (v, n)
  ORDER BY u.id, (e.v ->> 0)::int, e.n DESC`,
  authors: `INSERT INTO paper_authors (paper_id, position, name, keyname, forenames, suffix, affiliation)
  SELECT u.id, e.n - 1, e.v ->> 0, e.v ->> 1, e.v ->> 2, e.v ->> 3, e.v ->> 4
  FROM unnest($1::bigint[], $2::text[]) AS u (id, j), json_array_elements(u.j::json) WITH ORDINALITY AS e (v, n)`,
  links: `INSERT INTO paper_links (paper_id, position, kind, url, host)
  SELECT u.id, e.n - 1, e.v ->> 0, e.v ->> 1, e.v ->> 2
  FROM unnest($1::bigint[], $2::text[]) AS u (id, j), json_array_elements(u.j::json) WITH ORDINALITY AS e (v, n)`,
  categories: `INSERT INTO paper_categories (category, submitted_at, paper_id)
  SELECT e.c, u.at, u.id FROM unnest($1::bigint[], $2::text[], $3::text[]) AS u (id, j, at),
    json_array_elements_text(u.j::json) AS e (c)
  ON CONFLICT DO NOTHING`,
  saveCursor: `INSERT INTO cursors (key, value, updated_at) VALUES ($1, $2, $3)
    ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
  // The first entry per paper wins, as when the SQLite repo applies them in order.
  withdraw: `UPDATE papers p SET withdrawn_at = w.day
          FROM (SELECT DISTINCT ON (arxiv_id) arxiv_id, day FROM unnest($1::text[], $2::text[])
            WITH ORDINALITY AS u (arxiv_id, day, n) ORDER BY arxiv_id, n) AS w
          WHERE p.arxiv_id = w.arxiv_id AND p.withdrawn_at IS NULL`,
  featureImported: `INSERT INTO featured AS f (day, paper_id, source, submitted_by, imported_upvotes, created_at)
          SELECT $1::text, id, $2::text, $3::text, $4::int, $5::text FROM papers WHERE arxiv_id = $6
          ON CONFLICT (day, paper_id) DO UPDATE SET imported_upvotes = excluded.imported_upvotes
            WHERE excluded.source = 'import' AND f.imported_upvotes < excluded.imported_upvotes
          RETURNING (xmax = 0) AS inserted`,
  get: `${selectPapers} WHERE p.arxiv_id = $1`,
  latest: `${selectPapers} ORDER BY p.submitted_at DESC, p.id DESC LIMIT $1 OFFSET $2`,
  count: 'SELECT count(*) AS n FROM papers',
  feature: `INSERT INTO featured (day, paper_id, source, submitted_by, imported_upvotes, created_at)
      SELECT $1::text, id, $2::text, $3::text, $4::int, $5::text FROM papers WHERE arxiv_id = $6
      ON CONFLICT (day, paper_id) DO NOTHING`,
  featuredOn: `SELECT f.day, f.paper_id, p.arxiv_id, f.source, f.submitted_by, f.imported_upvotes, f.created_at
      FROM featured f JOIN papers p ON p.id = f.paper_id WHERE f.day = $1 ORDER BY f.created_at, p.id`,
});

interface PaperRow {
  id: string;
  arxiv_id: string;
  version: number;
  title: string;
  abstract: string;
  comments: string | null;
  journal_ref: string | null;
  doi: string | null;
  report_no: string | null;
  license: string | null;
  submitter: string | null;
  categories: string;
  primary_category: string;
  submitted_at: string;
  updated_at: string;
  ingested_at: string;
  demo: boolean;
  withdrawn_at: string | null;
  versions: Paper['versions'];
  authors: Paper['authors'];
  links: Paper['links'];
}

function toPaper(r: PaperRow): Paper {
  return {
    id: Number(r.id),
    arxivId: r.arxiv_id,
    version: r.version,
    title: r.title,
    abstract: r.abstract,
    authors: r.authors,
    comments: r.comments,
    journalRef: r.journal_ref,
    doi: r.doi,
    reportNo: r.report_no,
    license: r.license,
    submitter: r.submitter,
    categories: r.categories ? r.categories.split(' ') : [],
    primaryCategory: r.primary_category,
    versions: r.versions,
    submittedAt: r.submitted_at,
    updatedAt: r.updated_at,
    links: r.links,
    ingestedAt: r.ingested_at,
    demo: r.demo,
    withdrawnAt: r.withdrawn_at,
  };
}

interface Write {
  paper: PreparedPaper;
  id: number | null;
}

function saveCursor(c: pg.PoolClient, cursor: Cursor, now: string): Promise<unknown> {
  return c.query({ ...S.saveCursor, values: [cursor.key, cursor.value, now] });
}

export class PgPaperRepository implements PaperRepository {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  upsertMany(papers: PaperInput[], cursor?: CursorArg): Promise<UpsertOutcome[]> {
    return this.upsertPrepared(papers.map(preparePaper), cursor);
  }

  /** GIN batches its own inserts (fastupdate's pending list): deferMerge has nothing to defer here. */
  upsertPrepared(
    papers: PreparedPaper[],
    cursor?: CursorArg,
    _options?: BulkWriteOptions,
  ): Promise<UpsertOutcome[]> {
    return this.#write(async (c) => {
      const now = new Date().toISOString();
      const outcomes = await this.#upsert(c, papers, now);
      if (cursor) await saveCursor(c, typeof cursor === 'function' ? cursor(outcomes) : cursor, now);
      return outcomes;
    });
  }

  async finishBulkLoad(_batches: number, _onStep?: (step: number) => void): Promise<void> {}

  /** Papers, withdrawals, featurings and the cursor in one transaction (see store.ts). */
  ingestBatch(
    batch: IngestBatch,
    cursor?: Cursor | ((r: IngestBatchResult) => Cursor),
  ): Promise<IngestBatchResult> {
    return this.#write(async (c) => {
      const now = new Date().toISOString();
      const result: IngestBatchResult = { outcomes: [], withdrawn: 0, featured: 0 };
      const prepared = [...batch.papers.map(preparePaper), ...(batch.prepared ?? [])];
      result.outcomes = await this.#upsert(c, prepared, now);
      const gone = batch.withdrawn ?? [];
      if (gone.length) {
        const res = await c.query({
          ...S.withdraw,
          values: [gone.map((w) => w.arxivId), gone.map((w) => w.day)],
        });
        result.withdrawn = res.rowCount ?? 0;
      }
      // One statement per featuring, in order: a page holds a few dozen, and a repeated featuring
      // must see the earlier one (insert, then raise its imported upvotes).
      for (const f of batch.featured ?? []) {
        const res = await c.query<{ inserted: boolean }>({
          ...S.featureImported,
          values: [f.day, f.source, f.submittedBy, f.importedUpvotes, now, f.arxivId],
        });
        if (res.rows[0]?.inserted) result.featured++;
      }
      if (cursor) await saveCursor(c, typeof cursor === 'function' ? cursor(result) : cursor, now);
      return result;
    });
  }

  /**
   * One write transaction holding an id claim (see the note on RETRIES): the claim is committed
   * before, and deleted inside, the transaction, so it disappears exactly when the papers appear;
   * a failed transaction removes it after. A deadlock victim runs again.
   */
  async #write<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const claim = (await this.#pool.query<{ id: string }>({ ...S.claim })).rows[0]!.id;
      try {
        return await inTransaction(this.#pool, async (c) => {
          const out = await fn(c);
          await c.query({ ...S.unclaim, values: [claim] });
          return out;
        });
      } catch (err) {
        await this.#pool.query({ ...S.unclaim, values: [claim] }).catch(() => {});
        if ((err as { code?: string }).code !== '40P01' || attempt >= RETRIES) throw err;
      }
    }
  }

  /**
   * Applies the version rules to a batch; returns one outcome per paper, in order. A paper
   * another batch inserted after `found` read (its insert here did nothing) sends the batch
   * back to the savepoint, to decide again against that committed row.
   */
  async #upsert(c: pg.PoolClient, papers: PreparedPaper[], now: string): Promise<UpsertOutcome[]> {
    for (let attempt = 1; ; attempt++) {
      await c.query('SAVEPOINT upsert');
      const outcomes = await this.#upsertOnce(c, papers, now);
      if (outcomes) {
        await c.query('RELEASE SAVEPOINT upsert');
        return outcomes;
      }
      await c.query('ROLLBACK TO SAVEPOINT upsert');
      if (attempt >= RETRIES)
        throw new Error('papers: a batch kept racing other writers for the same new papers');
    }
  }

  /** One try of #upsert: null when a new paper of the batch was inserted by another writer. */
  async #upsertOnce(c: pg.PoolClient, papers: PreparedPaper[], now: string): Promise<UpsertOutcome[] | null> {
    const found = await c.query<{ id: string; arxiv_id: string; version: number; content_hash: string }>({
      ...S.found,
      values: [[...new Set(papers.map((p) => p.arxivId))]],
    });
    const state = new Map<string, VersionStamp & { id: number | null }>();
    for (const r of found.rows) {
      state.set(r.arxiv_id, { id: Number(r.id), version: r.version, contentHash: r.content_hash });
    }
    // Decide in batch order against the running state, so a paper twice in one batch behaves as
    // two sequential upserts; only the last accepted record per paper is written.
    const outcomes: UpsertOutcome[] = [];
    const writes = new Map<string, Write>();
    for (const paper of papers) {
      const cur = state.get(paper.arxivId) ?? null;
      const decision = decideUpsert(cur, { version: paper.version, contentHash: paper.contentHash });
      if (decision === 'unchanged' || decision === 'stale') {
        outcomes.push('unchanged');
        continue;
      }
      outcomes.push(cur ? 'updated' : 'inserted');
      const id = cur?.id ?? null;
      state.set(paper.arxivId, { id, version: paper.version, contentHash: paper.contentHash });
      writes.set(paper.arxivId, { paper, id });
    }
    if (writes.size && !(await this.#apply(c, [...writes.values()], now))) return null;
    return outcomes;
  }

  /** Writes decided papers; false (nothing else written) when another writer took a new one. */
  async #apply(c: pg.PoolClient, writes: Write[], now: string): Promise<boolean> {
    const columns = (ws: Write[]) => COLUMNS.map(([, , get]) => ws.map((w) => get(w.paper)));
    const inserts = writes.filter((w) => w.id === null);
    const updates = writes.filter((w) => w.id !== null);
    if (inserts.length) {
      const res = await c.query<{ id: string; arxiv_id: string }>({
        ...S.insert,
        values: [inserts.map((w) => w.paper.arxivId), ...columns(inserts), now],
      });
      if (res.rows.length < inserts.length) return false;
      const ids = new Map(res.rows.map((r) => [r.arxiv_id, Number(r.id)]));
      for (const w of inserts) w.id = ids.get(w.paper.arxivId)!;
    }
    if (updates.length) {
      const ids = updates.map((w) => w.id);
      await c.query({ ...S.update, values: [ids, ...columns(updates)] });
      for (const table of [S.deleteVersions, S.deleteAuthors, S.deleteLinks, S.deleteCategories]) {
        await c.query({ ...table, values: [ids] });
      }
    }
    const ids = writes.map((w) => w.id);
    await c.query({ ...S.versions, values: [ids, writes.map((w) => w.paper.versionsJson)] });
    await c.query({ ...S.authors, values: [ids, writes.map((w) => w.paper.authorsJson)] });
    const linked = writes.filter((w) => w.paper.linksJson !== '[]');
    if (linked.length)
      await c.query({ ...S.links, values: [linked.map((w) => w.id), linked.map((w) => w.paper.linksJson)] });
    await c.query({
      ...S.categories,
      values: [ids, writes.map((w) => w.paper.categoriesJson), writes.map((w) => w.paper.submittedAt)],
    });
    return true;
  }

  async get(arxivId: string): Promise<Paper | null> {
    const res = await this.#pool.query<PaperRow>({ ...S.get, values: [arxivId] });
    return res.rows[0] ? toPaper(res.rows[0]) : null;
  }

  async latest(limit: number, offset: number): Promise<Paper[]> {
    const res = await this.#pool.query<PaperRow>({ ...S.latest, values: [limit, offset] });
    return res.rows.map(toPaper);
  }

  async count(): Promise<number> {
    const res = await this.#pool.query<{ n: string }>({ ...S.count });
    return Number(res.rows[0]!.n);
  }

  async feature(f: FeaturedInput): Promise<'inserted' | 'exists'> {
    const res = await this.#pool.query({
      ...S.feature,
      values: [
        f.day,
        f.source,
        f.submittedBy,
        f.importedUpvotes,
        f.at ?? new Date().toISOString(),
        f.arxivId,
      ],
    });
    if (res.rowCount) return 'inserted';
    if (!(await this.get(f.arxivId))) throw new NotFoundError(`no paper ${f.arxivId} to feature`);
    return 'exists';
  }

  async featuredOn(day: string): Promise<Featured[]> {
    const res = await this.#pool.query<{
      day: string;
      paper_id: string;
      arxiv_id: string;
      source: Featured['source'];
      submitted_by: string | null;
      imported_upvotes: number;
      created_at: string;
    }>({ ...S.featuredOn, values: [day] });
    return res.rows.map((r) => ({
      day: r.day,
      paperId: Number(r.paper_id),
      arxivId: r.arxiv_id,
      source: r.source,
      submittedBy: r.submitted_by,
      importedUpvotes: r.imported_upvotes,
      createdAt: r.created_at,
    }));
  }
}
