/**
 * Rebuilding the keyword top lists (src/db/toplists.ts): every frequent word of the library, found on a
 * random sample of papers, plus every phrase a query remembered since the last rebuild, ranked
 * by FTS5 once and stored (remembered whole-query rankings are dropped instead). Run by `paperboy
 * reindex` and, when topListsStale says so, after each ingest run. Papers edited while it runs stay
 * recorded as dirty (migrations/sqlite/021: their `seq` is above the count the build started at),
 * so its lists are usable at once.
 */

import type { DatabaseSync } from 'node:sqlite';
import { Worker } from 'node:worker_threads';
import { quote } from './fts5.ts';
import { MAX_GROWTH, maxDirtyRows, maxPaperId, TopLists } from './toplists.ts';

/** Words in at least this share of sampled papers get a list: below it FTS5 ranks fast enough. */
const MIN_SHARE = 0.004;
const SAMPLE = 20_000;
const WORD = /[\p{L}\p{N}]+/gu;

export interface TopListsReport {
  phrases: number;
  seconds: number;
  /** Always true since migration 021 (edits during the build stay dirty rows); kept for callers. */
  valid: boolean;
}

export type TopListsProgress = (done: number, total: number) => void;

/** Words (as users type them, lowercased) in ≥ minShare of a random sample of paper texts. */
function frequentWords(db: DatabaseSync, sample = SAMPLE, minShare = MIN_SHARE): string[] {
  const maxId = maxPaperId(db);
  if (maxId === 0) return [];
  // Evenly spaced ids: spread over the whole library (old and new papers), and deterministic.
  const n = Math.min(sample, maxId);
  const ids = Array.from({ length: n }, (_, i) => 1 + Math.floor((i * maxId) / n));
  const rows = db
    .prepare('SELECT title, abstract FROM papers WHERE id IN (SELECT value FROM json_each(?))')
    .all(JSON.stringify(ids)) as { title: string; abstract: string }[];
  const df = new Map<string, number>();
  for (const r of rows) {
    const seen = new Set(`${r.title} ${r.abstract}`.toLowerCase().match(WORD) ?? []);
    for (const w of seen) df.set(w, (df.get(w) ?? 0) + 1);
  }
  const min = Math.max(2, Math.ceil(rows.length * minShare));
  return [...df].filter(([, n]) => n >= min).map(([w]) => w);
}

export function rebuildTopLists(
  db: DatabaseSync,
  opts: { sample?: number; minShare?: number; onProgress?: TopListsProgress } = {},
): TopListsReport {
  const t0 = performance.now();
  const lists = new TopLists(db);
  const state = () =>
    (db.prepare('SELECT changes FROM keyword_toplists_state WHERE id = 1').get() as { changes: number })
      .changes;
  const changes = state();
  const upto = maxPaperId(db);
  // Remembered query rankings (toplists.ts rankExpression) are dropped, not re-ranked: each costs
  // a full FTS5 ranking, their number follows what users typed, and the next ask remembers it again.
  db.prepare(`DELETE FROM keyword_toplists WHERE phrase >= '(' AND phrase < ')'`).run();
  const remembered = (db.prepare('SELECT phrase FROM keyword_toplists').all() as { phrase: string }[]).map(
    (r) => r.phrase,
  );
  const phrases = [...new Set([...frequentWords(db, opts.sample, opts.minShare).map(quote), ...remembered])];
  const drop = db.prepare('DELETE FROM keyword_toplists WHERE phrase = ?');
  for (const [i, phrase] of phrases.entries()) {
    let measured: ReturnType<TopLists['measure']>;
    try {
      measured = lists.measure(phrase);
    } catch {
      drop.run(phrase); // a remembered phrase this FTS5 no longer parses
      continue;
    }
    if (measured.df === 0) drop.run(phrase);
    else lists.put(phrase, measured.rows, upto, changes, measured.complete);
    if (i % 50 === 0) opts.onProgress?.(i, phrases.length);
  }
  opts.onProgress?.(phrases.length, phrases.length);
  // Every row edited at or before `changes` was ranked with its new text by every list above.
  db.exec('BEGIN IMMEDIATE');
  try {
    // Never backwards: a slower rebuild that began earlier must not revive lists older than
    // the dirty rows a later one already forgot.
    db.prepare(
      'UPDATE keyword_toplists_state SET valid_changes = max(coalesce(valid_changes, ?1), ?1) WHERE id = 1',
    ).run(changes);
    db.prepare('DELETE FROM keyword_toplists_dirty WHERE seq <= ?').run(changes);
    // The side table keeps dirty papers and those above the lists (migrations/sqlite/021); papers
    // added while this rebuild ran are put in if the trigger did not (a first build).
    db.prepare(
      'UPDATE keyword_toplists_state SET built_upto = max(coalesce(built_upto, ?1), ?1) WHERE id = 1',
    ).run(BigInt(upto)); // an INTEGER, as the trigger compares ids with it
    const from = (
      db.prepare('SELECT built_upto AS n FROM keyword_toplists_state WHERE id = 1').get() as { n: number }
    ).n;
    db.prepare(
      'DELETE FROM keyword_dirty_fts WHERE rowid <= ? AND rowid NOT IN (SELECT paper_id FROM keyword_toplists_dirty)',
    ).run(from);
    db.prepare(`INSERT INTO keyword_dirty_fts (rowid, title, abstract, authors, categories)
      SELECT id, title, abstract, authors_text, lower(replace(replace(categories, '.', ''), '-', ''))
      FROM papers WHERE id > ?1 AND id <= ?1 + ?1 / 25 + 1
        AND id NOT IN (SELECT rowid FROM keyword_dirty_fts)`).run(from);
    db.exec('COMMIT');
  } catch (err) {
    db.exec('ROLLBACK');
    throw err;
  }
  return { phrases: phrases.length, seconds: (performance.now() - t0) / 1000, valid: true };
}

/**
 * Lists missing, never validated, with more than maxDirtyRows papers edited or deleted since, or
 * built before MAX_GROWTH of today's papers arrived. A few edits are not a reason: the lists rank
 * those rows apart (toplists.ts).
 */
export function topListsStale(db: DatabaseSync): boolean {
  const s = db.prepare('SELECT changes, valid_changes FROM keyword_toplists_state WHERE id = 1').get() as {
    changes: number;
    valid_changes: number | null;
  };
  if (s.valid_changes === null) return true;
  if (s.changes !== s.valid_changes) {
    const dirty = (db.prepare('SELECT count(*) AS n FROM keyword_toplists_dirty').get() as { n: number }).n;
    if (dirty > maxDirtyRows(maxPaperId(db))) return true;
  }
  const r = db
    .prepare(
      'SELECT (SELECT coalesce(max(id), 0) FROM papers) AS n, (SELECT min(upto) FROM keyword_toplists) AS upto',
    )
    .get() as { n: number; upto: number | null };
  return r.upto === null ? r.n > 0 : r.n - r.upto > r.upto * MAX_GROWTH;
}

/** rebuildTopLists in a worker thread on its own connection to `file`. */
export function rebuildTopListsInWorker(file: string): Promise<TopListsReport> {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL('./toplists-worker.ts', import.meta.url), { workerData: { file } });
    w.once('message', (m: { type: 'done'; report: TopListsReport } | { type: 'error'; message: string }) =>
      m.type === 'done' ? resolve(m.report) : reject(new Error(`keyword top lists: ${m.message}`)),
    );
    w.once('error', reject);
  });
}
