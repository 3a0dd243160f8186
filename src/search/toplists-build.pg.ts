/**
 * Rebuilding the PostgreSQL keyword top lists (src/search/toplists.pg.ts), as
 * src/db/toplists-build.ts does on SQLite: every frequent word of a sample of papers plus every
 * phrase a query remembered, ranked once and stored. One snapshot (REPEATABLE READ) reads the
 * papers, stores the lists, clears the text-change log it saw and marks the lists valid, so a
 * change committed meanwhile stays in the log: its paper stays a dirty row (toplists.pg.ts).
 * One instance builds at a time (a session advisory lock); the others skip.
 */
import type pg from 'pg';
import { type List, MAX_GROWTH } from '../db/toplists.ts';
import { quoteOperand } from '../db/tsquery.ts';
import { listsContext, measure, put, type Query, TS_CONFIG } from './toplists.pg.ts';

/** As src/db/toplists-build.ts: words in ≥ 0.4% of a 20,000-paper sample get a list. */
const MIN_SHARE = 0.004;
const SAMPLE = 20_000;
const WORD = /[\p{L}\p{N}]+/gu;
/** "paperboy" as ASCII bytes, then 0x0019 (migration 019); distinct from the other advisory locks. */
const BUILD_LOCK = '8097877186001922073';

export interface PgTopListsReport {
  phrases: number;
  seconds: number;
}

/**
 * Lists missing, never validated, with more than maxDirtyRows text changes logged since, or built
 * before MAX_GROWTH of today's papers. A few edits are not a reason: queries rank them apart.
 */
export async function pgTopListsStale(pool: pg.Pool): Promise<boolean> {
  const ctx = await listsContext(async (sql, params) => (await pool.query(sql, params)).rows);
  if (!ctx.valid) return ctx.maxId > 0;
  const r = await pool.query<{ upto: string | null }>('SELECT min(upto) AS upto FROM keyword_toplists');
  const upto = r.rows[0]?.upto == null ? null : Number(r.rows[0].upto);
  return upto === null ? ctx.maxId > 0 : ctx.maxId - upto > upto * MAX_GROWTH;
}

/** Rebuilds every list; null when another instance is building them now. */
export async function rebuildPgTopLists(
  pool: pg.Pool,
  onProgress?: (done: number, total: number) => void,
): Promise<PgTopListsReport | null> {
  const t0 = performance.now();
  const client = await pool.connect();
  try {
    const lock = await client.query<{ ok: boolean }>(
      `SELECT pg_try_advisory_lock(${BUILD_LOCK}::bigint) AS ok`,
    );
    if (!lock.rows[0]?.ok) return null;
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      try {
        const query: Query = async (sql, params) => (await client.query(sql, params)).rows;
        const ctx = await listsContext(query);
        const upto = ctx.settled;
        const s = (
          await client.query<{ n: string; t: string }>(
            'SELECT count(*) AS n, coalesce(sum(doc_len), 0) AS t FROM papers WHERE id <= $1',
            [upto],
          )
        ).rows[0]!;
        const docs = Number(s.n);
        const totalLen = Number(s.t);
        const stats = { docs, avgdl: docs ? totalLen / docs : 1 };
        const remembered = (
          await client.query<{ phrase: string }>('SELECT phrase FROM keyword_toplists')
        ).rows.map((r) => r.phrase);
        const words = await frequentWords(client, upto);
        // Single words in one pass over the papers (wordLists); the rest (phrases, prefixes,
        // fielded terms a query remembered, words that are not one lexeme) one by one.
        const byWord = await wordLists(client, words, stats, upto);
        for (const [phrase, l] of byWord) await put(query, phrase, l);
        const phrases = [...new Set([...words.map(quoteOperand), ...remembered])].filter(
          (p) => !byWord.has(p),
        );
        for (const [i, phrase] of phrases.entries()) {
          await client.query('SAVEPOINT phrase');
          try {
            const l = await measure(query, phrase, stats, upto);
            if (l.df === 0) await client.query('DELETE FROM keyword_toplists WHERE phrase = $1', [phrase]);
            else await put(query, phrase, l);
            await client.query('RELEASE SAVEPOINT phrase');
          } catch {
            // A phrase this configuration no longer parses, or one a query remembered meanwhile
            // (a serialization failure): left as it is.
            await client.query('ROLLBACK TO SAVEPOINT phrase');
          }
          if (i % 50 === 0) onProgress?.(i, phrases.length);
        }
        onProgress?.(phrases.length, phrases.length);
        await client.query('DELETE FROM keyword_text_changes');
        await client.query(
          'UPDATE keyword_toplists_state SET valid = TRUE, docs = $1, total_len = $2 WHERE id = 1',
          [docs, totalLen],
        );
        await client.query('COMMIT');
        return { phrases: phrases.length + byWord.size, seconds: (performance.now() - t0) / 1000 };
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      }
    } finally {
      await client.query(`SELECT pg_advisory_unlock(${BUILD_LOCK}::bigint)`).catch(() => {});
    }
  } finally {
    client.release();
  }
}

/**
 * Lists of single words from one pass over every paper's tsvector: each row is read once (not
 * once per word), a word's weighted frequency f = 10·A + 3·B + 1·C occurrences (what ts_rank_cd
 * gives the per-query path, toplists.pg.ts), and bm25 with the same formula and operation order.
 * Words that are not exactly one lexeme are left to `measure`.
 */
async function wordLists(
  client: pg.PoolClient,
  words: string[],
  stats: { docs: number; avgdl: number },
  upto: number,
): Promise<Map<string, List & { df: number }>> {
  const out = new Map<string, List & { df: number }>();
  if (words.length === 0) return out;
  const lexemes = await client.query<{ word: string; lexeme: string }>(
    `SELECT word, (tsvector_to_array(v))[1] AS lexeme FROM unnest($1::text[]) AS word,
       LATERAL (SELECT to_tsvector('${TS_CONFIG}'::regconfig, word) AS v) x WHERE length(v) = 1`,
    [words],
  );
  const ops = new Map<string, string[]>();
  for (const r of lexemes.rows) ops.set(r.lexeme, [...(ops.get(r.lexeme) ?? []), quoteOperand(r.word)]);
  if (ops.size === 0) return out;
  const res = await client.query<{ lexeme: string; df: string; ids: string[]; scores: number[] }>(
    `WITH occ AS (
       SELECT u.lexeme, p.id, p.doc_len,
         (SELECT coalesce(sum(CASE w WHEN 'A' THEN 10 WHEN 'B' THEN 3 WHEN 'C' THEN 1 ELSE 0 END), 0)
            FROM unnest(u.weights) w)::float8 AS f
       FROM papers p CROSS JOIN LATERAL unnest(p.search) u
       WHERE p.id <= $2 AND u.lexeme = ANY($1::text[])),
     counted AS (SELECT occ.*, count(*) OVER (PARTITION BY lexeme) AS df FROM occ),
     idf AS (SELECT c.*, ln((($3::float8 - df) + 0.5) / (df + 0.5)) AS x FROM counted c),
     scored AS (
       SELECT lexeme, id, df, (0::float8 + (CASE WHEN x <= 0 THEN 1e-6::float8 ELSE x END)
           * ((f * (1.2::float8 + 1.0::float8))
           / (f + (1.2::float8 * (1::float8 - 0.75::float8 + 0.75::float8 * doc_len / $4::float8))))) AS score
       FROM idf),
     ranked AS (SELECT s.*, row_number() OVER (PARTITION BY lexeme ORDER BY score DESC, id) AS rn FROM scored s)
     SELECT lexeme, max(df) AS df, array_agg(id ORDER BY rn) AS ids, array_agg(score ORDER BY rn) AS scores
     FROM ranked WHERE rn <= greatest(4096, ceil(df / 8.0)) GROUP BY lexeme`,
    [[...ops.keys()], upto, stats.docs, stats.avgdl],
  );
  for (const r of res.rows) {
    const df = Number(r.df);
    const list = {
      ids: Int32Array.from(r.ids, Number),
      scores: Float64Array.from(r.scores),
      complete: r.ids.length >= df,
      upto,
      df,
    };
    for (const op of ops.get(r.lexeme) ?? []) out.set(op, list);
  }
  return out;
}

/** Words (lowercased, as users type them) in ≥ MIN_SHARE of evenly spaced papers' texts. */
async function frequentWords(client: pg.PoolClient, maxId: number): Promise<string[]> {
  if (maxId === 0) return [];
  const n = Math.min(SAMPLE, maxId);
  const ids = Array.from({ length: n }, (_, i) => 1 + Math.floor((i * maxId) / n));
  const rows = (
    await client.query<{ title: string; abstract: string }>(
      'SELECT title, abstract FROM papers WHERE id = ANY($1::bigint[])',
      [ids],
    )
  ).rows;
  const df = new Map<string, number>();
  for (const r of rows) {
    const seen = new Set(`${r.title} ${r.abstract}`.toLowerCase().match(WORD) ?? []);
    for (const w of seen) df.set(w, (df.get(w) ?? 0) + 1);
  }
  const min = Math.max(2, Math.ceil(rows.length * MIN_SHARE));
  return [...df].filter(([, c]) => c >= min).map(([w]) => w);
}
