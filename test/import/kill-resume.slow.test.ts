/**
 * RELIABILITY.md (Data): import 100k records, kill -9 the importer at random points 5+ times,
 * re-run each time: the final database equals a clean import (same ids, versions, children, FTS
 * answers) and PRAGMA integrity_check is ok.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, rmSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { test } from 'node:test';
import { generatePapers } from '../../bench/corpus/generate.ts';
import { tempDir } from '../support/app.ts';

const COUNT = 100_000;
const KILLS = 5;

async function writeCorpus(file: string) {
  const out = createWriteStream(file);
  for (const rec of generatePapers(COUNT, 7)) {
    if (!out.write(`${JSON.stringify(rec)}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

const args = (file: string, data: string) => [
  'src/cli/main.ts',
  'import',
  file,
  '--data',
  data,
  '--json',
  '--batch',
  '2000',
];

/** Lines committed so far by an import into dataDir (0 before its first batch). */
function committedLines(dataDir: string): number {
  try {
    const db = new DatabaseSync(path.join(dataDir, 'paperboy.db'), { readOnly: true });
    try {
      const row = db.prepare("SELECT value FROM cursors WHERE key LIKE 'import:%'").get() as
        | { value: string }
        | undefined;
      return row ? (JSON.parse(row.value) as { lines: number }).lines : 0;
    } finally {
      db.close();
    }
  } catch {
    return 0; // not created or mid-migration yet
  }
}

/** Everything an import writes, reduced to comparable digests. */
function fingerprint(dataDir: string) {
  const db = new DatabaseSync(path.join(dataDir, 'paperboy.db'), { readOnly: true });
  try {
    const digest = (sql: string) => {
      const h = createHash('sha256');
      for (const row of db.prepare(sql).iterate()) h.update(JSON.stringify(Object.values(row as object)));
      return h.digest('hex');
    };
    const count = (t: string) => (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
    const fts = ['model', 'network OR learning', '"neural network"', 'quantum'].map(
      (q) =>
        (db.prepare('SELECT count(*) AS n FROM papers_fts WHERE papers_fts MATCH ?').get(q) as { n: number })
          .n,
    );
    return {
      integrity: (db.prepare('PRAGMA integrity_check').get() as { integrity_check: string }).integrity_check,
      papers: count('papers'),
      paperDigest: digest(
        'SELECT arxiv_id, version, content_hash, submitted_at FROM papers ORDER BY arxiv_id',
      ),
      versions: count('paper_versions'),
      authors:
        digest(`SELECT p.arxiv_id, a.position, a.name FROM paper_authors a JOIN papers p ON p.id = a.paper_id
        ORDER BY p.arxiv_id, a.position`),
      links: count('paper_links'),
      categories: count('paper_categories'),
      cursors: count('cursors'),
      fts,
    };
  } finally {
    db.close();
  }
}

test(`kill -9 during a ${COUNT}-record import ${KILLS}+ times, then resume: same database as a clean import`, async (t) => {
  const dir = tempDir('paperboy-kill-');
  const file = path.join(dir, 'corpus.jsonl');
  await writeCorpus(file);

  // The reference import runs alongside the kills (its own data dir): the kill loop mostly waits.
  const clean = path.join(dir, 'clean');
  const reference = spawn(process.execPath, args(file, clean), { stdio: ['ignore', 'ignore', 'pipe'] });
  let referenceErr = '';
  reference.stderr.on('data', (d) => (referenceErr += d));
  const referenceDone = once(reference, 'exit') as Promise<[number | null, string | null]>;
  t.after(async () => {
    if (reference.exitCode === null && reference.signalCode === null) {
      reference.kill('SIGKILL');
      await referenceDone;
    }
    rmSync(dir, { recursive: true, force: true }); // ~900 MB: two databases and the corpus
  });

  const crashed = path.join(dir, 'crashed');
  // Seeded delays so a failure can be replayed; spread so kills land early, mid-batch and late.
  let seed = 12345;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  let kills = 0;
  let committed = 0;
  const points: number[] = [];
  while (kills < KILLS) {
    const child = spawn(process.execPath, args(file, crashed), { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = once(child, 'exit');
    // Kill by progress, not by clock: on a loaded machine start-up alone can outlast a timer.
    // Each kill lands a seeded random number of lines past the last committed position, plus a
    // random delay so it hits mid-batch as well as between batches.
    const target = committed + 3000 + Math.floor(rand() * 12_000);
    let done = false;
    void exited.then(() => {
      done = true;
    });
    while (!done) {
      await new Promise((r) => setTimeout(r, 25));
      const at = committedLines(crashed);
      if (at >= target) {
        await new Promise((r) => setTimeout(r, Math.floor(rand() * 300)));
        child.kill('SIGKILL');
        break;
      }
    }
    const [code, signal] = (await exited) as [number | null, string | null];
    if (signal !== 'SIGKILL')
      assert.fail(`import finished (code ${code}) before kill ${kills + 1}; points ${points}`);
    kills++;
    committed = committedLines(crashed);
    points.push(committed);
  }
  const [refCode] = await referenceDone;
  assert.equal(refCode, 0, referenceErr);
  const final = spawnSync(process.execPath, args(file, crashed), { encoding: 'utf8' });
  assert.equal(final.status, 0, final.stderr);
  assert.match(final.stderr, /resuming after line \d+/);
  const summary = JSON.parse(final.stdout.trim().split('\n').at(-1)!) as {
    inserted: number;
    rejected: number;
  };
  assert.equal(summary.inserted, COUNT, 'running counts carried across the crashes add up to the whole file');

  const a = fingerprint(clean);
  const b = fingerprint(crashed);
  assert.equal(a.integrity, 'ok');
  assert.equal(b.integrity, 'ok');
  assert.equal(a.papers, COUNT);
  assert.equal(a.cursors, 0, 'a finished import leaves no cursor');
  assert.deepEqual(b, a, `killed after committed lines: ${points.join(', ')}`);
});
