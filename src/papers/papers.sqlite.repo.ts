/**
 * PaperRepository on SQLite. Writes are synchronous inside one transaction per batch: at bulk
 * import rates the cost of a promise per row would show, so the async interface wraps a sync core.
 */
import type { DatabaseSync } from 'node:sqlite';
import { NotFoundError } from '../errors.ts';
import type { Author, Paper, PaperInput, PaperLink, PaperVersion, UpsertOutcome } from './paper.ts';
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
import { decideUpsert } from './versions.ts';

/** What an update must know of the old row to remove its category listing rows. */
interface OldKeys {
  categories: string;
  submittedAt: string;
}
type Written = [id: number, paper: PreparedPaper, old: OldKeys | null];

type CursorArg = Cursor | ((outcomes: UpsertOutcome[]) => Cursor);

interface PaperRow {
  id: number;
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
  demo: number;
  withdrawn_at: string | null;
}

/*
 * Bulk loads defer FTS5's segment merging. With automerge on, every import transaction's new
 * segment was merged level by level into the rest (4 at a time), rewriting the index ~3 times
 * over a 1M import; with it off, the import leaves one segment per transaction and
 * finishBulkLoad() merges them 16 at a time at the end. Measured at 1M: 147-155 s import with merging
 * vs 101-122 s without plus 18.5 s for the final merge, and the index ends in one segment.
 * crisismerge (FTS5's forced merge once a level holds that many segments) goes up with it.
 */
const MERGE_OFF = `INSERT INTO papers_fts (papers_fts, rank) VALUES ('automerge', 0);
  INSERT INTO papers_fts (papers_fts, rank) VALUES ('crisismerge', 1000);`;
/** FTS5's defaults, restored when papers_fts_config had no value of its own. */
const MERGE_DEFAULTS = [
  ['automerge', 4],
  ['crisismerge', 16],
] as const;
/** Fewer deferred segments than automerge's fan-in are left for automerge to fold in later. */
const MIN_BATCHES_TO_MERGE = 4;
/** Segments merged at once (FTS5's usermerge, at most 16): fewer passes over the data than 4. */
const MERGE_FAN_IN = 16;
/** Pages written per merge step: ~0.2 s of work at 1M papers. */
const MERGE_STEP_PAGES = 2000;

const PAPER_COLUMNS = `id, arxiv_id, version, title, abstract, comments, journal_ref, doi, report_no, license,
  submitter, categories, primary_category, submitted_at, updated_at, ingested_at, demo, withdrawn_at`;

/** The prepared statements, one typed member each: a misspelt name fails to compile. */
function statements(db: DatabaseSync) {
  const p = (sql: string) => db.prepare(sql);
  return {
    find: p('SELECT id, version, content_hash, categories, submitted_at FROM papers WHERE arxiv_id = ?'),
    insert: p(`INSERT INTO papers (arxiv_id, version, title, abstract, authors_text, author_count, comments,
      journal_ref, doi, report_no, license, submitter, categories, primary_category, submitted_at, updated_at,
      content_hash, ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    update: p(`UPDATE papers SET version = ?, title = ?, abstract = ?, authors_text = ?, author_count = ?,
      comments = ?, journal_ref = ?, doi = ?, report_no = ?, license = ?, submitter = ?, categories = ?,
      primary_category = ?, submitted_at = ?, updated_at = ?, content_hash = ? WHERE id = ?`),
    ftsInsert: p(
      'INSERT INTO papers_fts (rowid, title, abstract, authors, categories) VALUES (?, ?, ?, ?, ?)',
    ),
    ftsDelete: p('DELETE FROM papers_fts WHERE rowid = ?'),
    // Children are written with one statement per table from the prepared JSON (json_each),
    // not one round trip per row: at bulk-import rates the per-call overhead dominated.
    insVersions: p(`INSERT OR REPLACE INTO paper_versions (paper_id, version, created_at, size)
      SELECT ?1, value ->> 0, value ->> 1, value ->> 2 FROM json_each(?2)`),
    insAuthors:
      p(`INSERT INTO paper_authors (paper_id, position, name, keyname, forenames, suffix, affiliation)
      SELECT ?1, key, value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4 FROM json_each(?2)`),
    insLinks: p(`INSERT INTO paper_links (paper_id, position, kind, url, host)
      SELECT ?1, key, value ->> 0, value ->> 1, value ->> 2 FROM json_each(?2)`),
    insCategories: p(`INSERT OR IGNORE INTO paper_categories (category, submitted_at, paper_id)
      SELECT value, ?2, ?1 FROM json_each(?3)`),
    delVersions: p('DELETE FROM paper_versions WHERE paper_id = ?'),
    delAuthors: p('DELETE FROM paper_authors WHERE paper_id = ?'),
    delLinks: p('DELETE FROM paper_links WHERE paper_id = ?'),
    // By full key, not by paper_id: the table is keyed (category, submitted_at, paper_id) and an
    // index on paper_id alone would cost every bulk insert; the old row tells us the keys.
    delCategory: p('DELETE FROM paper_categories WHERE category = ? AND submitted_at = ? AND paper_id = ?'),
    mergeConfig: p(`SELECT k, v FROM papers_fts_config WHERE k IN ('automerge', 'crisismerge')`),
    ftsConfig: p('SELECT v FROM papers_fts_config WHERE k = ?'),
    totalChanges: p('SELECT total_changes() AS n'),
    setFtsConfig: p('INSERT INTO papers_fts (papers_fts, rank) VALUES (?, ?)'),
    setCursor: p(`INSERT INTO cursors (key, value, updated_at) VALUES (?, ?, ?)
      ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`),
    get: p(`SELECT ${PAPER_COLUMNS} FROM papers WHERE arxiv_id = ?`),
    versions: p('SELECT version, created_at, size FROM paper_versions WHERE paper_id = ? ORDER BY version'),
    authors: p(`SELECT name, keyname, forenames, suffix, affiliation FROM paper_authors WHERE paper_id = ?
      ORDER BY position`),
    links: p('SELECT kind, url, host FROM paper_links WHERE paper_id = ? ORDER BY position'),
    latest: p(`SELECT arxiv_id FROM papers ORDER BY submitted_at DESC, id DESC LIMIT ? OFFSET ?`),
    count: p('SELECT count(*) AS n FROM papers'),
    feature: p(`INSERT INTO featured (day, paper_id, source, submitted_by, imported_upvotes, created_at)
      SELECT ?, id, ?, ?, ?, ? FROM papers WHERE arxiv_id = ? ON CONFLICT (day, paper_id) DO NOTHING`),
    withdraw: p('UPDATE papers SET withdrawn_at = ? WHERE arxiv_id = ? AND withdrawn_at IS NULL'),
    // Upvotes imported from a daily-papers list grow during the day: a later import of the same
    // featuring raises the count, never lowers it, and never touches local votes.
    raiseImported: p(`UPDATE featured SET imported_upvotes = ? WHERE day = ? AND imported_upvotes < ?
      AND paper_id = (SELECT id FROM papers WHERE arxiv_id = ?)`),
    featuredOn: p(`SELECT f.day, f.paper_id, p.arxiv_id, f.source, f.submitted_by, f.imported_upvotes,
      f.created_at FROM featured f JOIN papers p ON p.id = f.paper_id WHERE f.day = ? ORDER BY f.created_at, p.id`),
  };
}

export class SqlitePaperRepository implements PaperRepository {
  readonly #db: DatabaseSync;
  readonly #s: ReturnType<typeof statements>;

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#s = statements(db);
  }

  async upsertMany(papers: PaperInput[], cursor?: CursorArg): Promise<UpsertOutcome[]> {
    return this.upsertPreparedSync(papers.map(preparePaper), cursor);
  }

  async upsertPrepared(
    papers: PreparedPaper[],
    cursor?: CursorArg,
    options?: BulkWriteOptions,
  ): Promise<UpsertOutcome[]> {
    return this.upsertPreparedSync(papers, cursor, options);
  }

  async finishBulkLoad(batches: number, onStep?: (step: number) => void): Promise<void> {
    if (batches < MIN_BATCHES_TO_MERGE) return;
    // Many short transactions, not one 'optimize': other writers (a running server) get the lock
    // between steps, a crash loses one step, and the total work measured the same (18.5 s vs
    // 18.9 s at 1M). FTS5's documented test for "nothing left to merge": total_changes() moved < 2.
    for (let step = 1; ; step++) {
      this.#db.exec('BEGIN IMMEDIATE');
      let changed: number;
      try {
        const usermerge = this.#s.ftsConfig.get('usermerge') as { v: number } | undefined;
        this.#setFtsConfig('usermerge', MERGE_FAN_IN);
        const before = this.#totalChanges();
        this.#setFtsConfig('merge', -MERGE_STEP_PAGES);
        changed = this.#totalChanges() - before;
        this.#setFtsConfig('usermerge', usermerge?.v ?? 4);
        this.#db.exec('COMMIT');
      } catch (err) {
        this.#db.exec('ROLLBACK');
        throw err;
      }
      onStep?.(step);
      if (changed < 2) return;
      // Between steps, let the event loop run (a server in this process keeps answering).
      await new Promise((r) => setImmediate(r));
    }
  }

  /** FTS5 takes these settings only as SQL integers; node:sqlite binds a JS number as a REAL. */
  #setFtsConfig(key: string, value: number): void {
    this.#s.setFtsConfig.run(key, BigInt(value));
  }

  #totalChanges(): number {
    return (this.#s.totalChanges.get() as { n: number }).n;
  }

  /** Sync core: no await between rows, so one batch is one uninterrupted transaction. */
  upsertPreparedSync(
    papers: PreparedPaper[],
    cursor?: CursorArg,
    options?: BulkWriteOptions,
  ): UpsertOutcome[] {
    const now = new Date().toISOString();
    const out: UpsertOutcome[] = [];
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      const restoreMerge = options?.deferMerge ? this.#suspendMerge() : null;
      // Two passes: rows + full-text first, child tables second. A multi-row INSERT…SELECT opens a
      // statement savepoint, and FTS5 flushes its pending terms to a new segment at every
      // savepoint; interleaved per paper that made one tiny segment per paper and tripled the
      // cost of indexing (measured: 185 → 80 µs CPU per paper at 20k papers).
      const written: Written[] = [];
      for (const paper of papers) out.push(this.#upsertRow(paper, now, written));
      this.#writeFts(written);
      for (const [id, paper, old] of written) this.#writeChildren(id, paper, old);
      restoreMerge?.();
      if (cursor) {
        const c = typeof cursor === 'function' ? cursor(out) : cursor;
        this.#s.setCursor.run(c.key, c.value, now);
      }
      this.#db.exec('COMMIT');
    } catch (err) {
      this.#db.exec('ROLLBACK');
      throw err;
    }
    return out;
  }

  /**
   * Turns FTS5's merging off for the rest of this transaction and returns the undo, to be run
   * before COMMIT. FTS5 keeps these settings in papers_fts_config, so they are changed and put
   * back inside the transaction: a crash rolls both back and never leaves merging off.
   */
  #suspendMerge(): () => void {
    const saved = new Map((this.#s.mergeConfig.all() as { k: string; v: number }[]).map((r) => [r.k, r.v]));
    this.#db.exec(MERGE_OFF);
    return () => {
      for (const [k, fallback] of MERGE_DEFAULTS) this.#setFtsConfig(k, saved.get(k) ?? fallback);
    };
  }

  /** Ingest (issue 3): papers, withdrawals, featurings and the cursor in one transaction. */
  async ingestBatch(
    batch: IngestBatch,
    cursor?: Cursor | ((r: IngestBatchResult) => Cursor),
  ): Promise<IngestBatchResult> {
    const s = this.#s;
    const now = new Date().toISOString();
    const result: IngestBatchResult = { outcomes: [], withdrawn: 0, featured: 0 };
    const prepared = [...batch.papers.map(preparePaper), ...(batch.prepared ?? [])];
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      const written: Written[] = [];
      for (const paper of prepared) result.outcomes.push(this.#upsertRow(paper, now, written));
      this.#writeFts(written);
      for (const [id, paper, old] of written) this.#writeChildren(id, paper, old);
      for (const w of batch.withdrawn ?? [])
        result.withdrawn += Number(s.withdraw.run(w.day, w.arxivId).changes);
      for (const f of batch.featured ?? []) {
        const r = s.feature.run(f.day, f.source, f.submittedBy, f.importedUpvotes, now, f.arxivId);
        if (r.changes > 0) result.featured++;
        else if (f.source === 'import')
          s.raiseImported.run(f.importedUpvotes, f.day, f.importedUpvotes, f.arxivId);
      }
      if (cursor) {
        const c = typeof cursor === 'function' ? cursor(result) : cursor;
        s.setCursor.run(c.key, c.value, now);
      }
      this.#db.exec('COMMIT');
    } catch (err) {
      this.#db.exec('ROLLBACK');
      throw err;
    }
    return result;
  }

  #upsertRow(p: PreparedPaper, now: string, written: Written[]): UpsertOutcome {
    const s = this.#s;
    const existing = s.find.get(p.arxivId) as
      | { id: number; version: number; content_hash: string; categories: string; submitted_at: string }
      | undefined;
    const decision = decideUpsert(
      existing ? { version: existing.version, contentHash: existing.content_hash } : null,
      { version: p.version, contentHash: p.contentHash },
    );
    if (decision === 'unchanged' || decision === 'stale') return 'unchanged';
    let id: number;
    if (existing) {
      id = existing.id;
      s.update.run(
        p.version,
        p.title,
        p.abstract,
        p.authorsText,
        p.authorCount,
        p.comments,
        p.journalRef,
        p.doi,
        p.reportNo,
        p.license,
        p.submitter,
        p.categories,
        p.primaryCategory,
        p.submittedAt,
        p.updatedAt,
        p.contentHash,
        id,
      );
    } else {
      id = Number(
        s.insert.run(
          p.arxivId,
          p.version,
          p.title,
          p.abstract,
          p.authorsText,
          p.authorCount,
          p.comments,
          p.journalRef,
          p.doi,
          p.reportNo,
          p.license,
          p.submitter,
          p.categories,
          p.primaryCategory,
          p.submittedAt,
          p.updatedAt,
          p.contentHash,
          now,
        ).lastInsertRowid,
      );
    }
    written.push([
      id,
      p,
      existing ? { categories: existing.categories, submittedAt: existing.submitted_at } : null,
    ]);
    return existing ? 'updated' : 'inserted';
  }

  /**
   * The batch's full-text rows, after every papers row and before any child row. An UPDATE of
   * papers fires triggers (migrations 007/021), so it opens a statement savepoint, and FTS5
   * flushes its pending terms to a new segment at every savepoint: written per paper, each
   * replaced paper cut the batch's terms into one more tiny segment (and a deletion between
   * inserts did the same), which automerge then merged into the 2.7M-paper index (83 s for a
   * harvest of 1,250 new and 400 replaced papers; docs/ARCHITECTURE.md). FTS5 also flushes when
   * a rowid is not above the last one written, so deletions first, then the inserts, each in
   * rowid order: one segment per batch again.
   */
  #writeFts(written: Written[]): void {
    const s = this.#s;
    const byId = written.toSorted((a, b) => a[0] - b[0]);
    for (const [id, , old] of byId) if (old) s.ftsDelete.run(id);
    for (const [id, p] of byId) s.ftsInsert.run(id, p.title, p.abstract, p.authorsText, p.categoryTokens);
  }

  #writeChildren(id: number, p: PreparedPaper, old: OldKeys | null): void {
    const s = this.#s;
    if (old) {
      s.delVersions.run(id);
      s.delAuthors.run(id);
      s.delLinks.run(id);
      for (const c of old.categories.split(' ')) if (c) s.delCategory.run(c, old.submittedAt, id);
    }
    s.insVersions.run(id, p.versionsJson);
    s.insAuthors.run(id, p.authorsJson);
    if (p.linksJson !== '[]') s.insLinks.run(id, p.linksJson);
    s.insCategories.run(id, p.submittedAt, p.categoriesJson);
  }

  async get(arxivId: string): Promise<Paper | null> {
    const row = this.#s.get.get(arxivId) as PaperRow | undefined;
    return row ? this.#hydrate(row) : null;
  }

  #hydrate(row: PaperRow): Paper {
    const s = this.#s;
    const versions = (
      s.versions.all(row.id) as { version: number; created_at: string; size: string | null }[]
    ).map((v): PaperVersion => ({ version: v.version, createdAt: v.created_at, size: v.size }));
    const authors = (
      s.authors.all(row.id) as unknown as (Omit<Author, 'affiliation'> & { affiliation: string | null })[]
    ).map((a): Author => ({ ...a }));
    const links = (s.links.all(row.id) as unknown as PaperLink[]).map((l) => ({ ...l }));
    return {
      id: row.id,
      arxivId: row.arxiv_id,
      version: row.version,
      title: row.title,
      abstract: row.abstract,
      authors,
      comments: row.comments,
      journalRef: row.journal_ref,
      doi: row.doi,
      reportNo: row.report_no,
      license: row.license,
      submitter: row.submitter,
      categories: row.categories ? row.categories.split(' ') : [],
      primaryCategory: row.primary_category,
      versions,
      submittedAt: row.submitted_at,
      updatedAt: row.updated_at,
      links,
      ingestedAt: row.ingested_at,
      demo: row.demo === 1,
      withdrawnAt: row.withdrawn_at,
    };
  }

  async latest(limit: number, offset: number): Promise<Paper[]> {
    const ids = this.#s.latest.all(limit, offset) as { arxiv_id: string }[];
    const out: Paper[] = [];
    for (const { arxiv_id } of ids) {
      const p = await this.get(arxiv_id);
      if (p) out.push(p);
    }
    return out;
  }

  async count(): Promise<number> {
    return (this.#s.count.get() as { n: number }).n;
  }

  async feature(f: FeaturedInput): Promise<'inserted' | 'exists'> {
    const r = this.#s.feature.run(
      f.day,
      f.source,
      f.submittedBy,
      f.importedUpvotes,
      f.at ?? new Date().toISOString(),
      f.arxivId,
    );
    if (r.changes === 0 && !(await this.get(f.arxivId)))
      throw new NotFoundError(`no paper ${f.arxivId} to feature`);
    return r.changes > 0 ? 'inserted' : 'exists';
  }

  async featuredOn(day: string): Promise<Featured[]> {
    const rows = this.#s.featuredOn.all(day) as {
      day: string;
      paper_id: number;
      arxiv_id: string;
      source: Featured['source'];
      submitted_by: string | null;
      imported_upvotes: number;
      created_at: string;
    }[];
    return rows.map((r) => ({
      day: r.day,
      paperId: r.paper_id,
      arxivId: r.arxiv_id,
      source: r.source,
      submittedBy: r.submitted_by,
      importedUpvotes: r.imported_upvotes,
      createdAt: r.created_at,
    }));
  }
}
