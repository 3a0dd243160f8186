/**
 * Baseline for the import bench: the plainest fast bulk load of the same JSONL into node:sqlite —
 * WAL, synchronous=NORMAL, one papers table plus an external-content FTS5 index, 5,000 rows per
 * transaction, minimal field mapping. Run as its own process so its peak RSS is its own.
 *
 *   node bench/baseline-sqlite.ts <papers.jsonl[.gz]> <db file> [--fts-only]
 * Prints one JSON line: {"inserted":N,"seconds":S,"maxRssBytes":B}
 *
 * --fts-only: the "bare FTS5 insert" the issue calibrates its 8,000/s target against (~10,000/s
 * on this kind of machine): one FTS5 table with its own content, default FTS5 settings, nothing
 * else. The import bench runs it too, as a reading of how fast the machine is during the run.
 */
import { createReadStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { DatabaseSync } from 'node:sqlite';
import { createGunzip } from 'node:zlib';

const BATCH = 5_000;

export const BASELINE_SCHEMA = `
  CREATE TABLE papers (
    id INTEGER PRIMARY KEY,
    arxiv_id TEXT UNIQUE NOT NULL,
    title TEXT, abstract TEXT, authors TEXT, categories TEXT, submitted_at TEXT, updated_at TEXT
  );
  CREATE VIRTUAL TABLE papers_fts USING fts5 (
    title, abstract, authors,
    content = 'papers', content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
  );`;

const BARE_FTS_SCHEMA = `CREATE VIRTUAL TABLE papers_fts USING fts5 (
  title, abstract, authors, tokenize = 'porter unicode61 remove_diacritics 2'
);`;

interface SnapshotLine {
  id: string;
  title: string;
  abstract: string;
  authors: string;
  categories: string;
  versions: { created: string }[];
  update_date: string;
}

async function main(file: string, dbFile: string, ftsOnly: boolean): Promise<void> {
  const t0 = performance.now();
  await mkdir(path.dirname(dbFile), { recursive: true });
  await Promise.all(['', '-wal', '-shm'].map((s) => rm(dbFile + s, { force: true })));
  const db = new DatabaseSync(dbFile);
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;');
  db.exec(ftsOnly ? BARE_FTS_SCHEMA : BASELINE_SCHEMA);
  const insertPaper = ftsOnly
    ? null
    : db.prepare(
        'INSERT INTO papers (arxiv_id, title, abstract, authors, categories, submitted_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      );
  const insertFts = db.prepare(
    ftsOnly
      ? 'INSERT INTO papers_fts (title, abstract, authors) VALUES (?, ?, ?)'
      : 'INSERT INTO papers_fts (rowid, title, abstract, authors) VALUES (?, ?, ?, ?)',
  );

  let input: NodeJS.ReadableStream = createReadStream(file, { highWaterMark: 1 << 20 });
  if (file.endsWith('.gz')) input = input.pipe(createGunzip());
  let inserted = 0;
  let inBatch = 0;
  db.exec('BEGIN');
  for await (const line of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
    if (!line) continue;
    const p = JSON.parse(line) as SnapshotLine;
    if (!insertPaper) insertFts.run(p.title, p.abstract, p.authors);
    else {
      const submitted = new Date(p.versions[0]!.created).toISOString();
      const { lastInsertRowid } = insertPaper.run(
        p.id,
        p.title,
        p.abstract,
        p.authors,
        p.categories,
        submitted,
        p.update_date,
      );
      insertFts.run(lastInsertRowid, p.title, p.abstract, p.authors);
    }
    inserted++;
    if (++inBatch === BATCH) {
      db.exec('COMMIT');
      db.exec('BEGIN');
      inBatch = 0;
    }
  }
  db.exec('COMMIT');
  db.close();
  const seconds = (performance.now() - t0) / 1000;
  process.stdout.write(
    `${JSON.stringify({ inserted, seconds, maxRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`,
  );
}

if (import.meta.main) {
  const [file, dbFile, flag] = process.argv.slice(2);
  if (!file || !dbFile || (flag !== undefined && flag !== '--fts-only')) {
    process.stderr.write('usage: node bench/baseline-sqlite.ts <papers.jsonl[.gz]> <db file> [--fts-only]\n');
    process.exit(2);
  }
  main(file, dbFile, flag === '--fts-only').catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
