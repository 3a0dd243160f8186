/**
 * SQLite bulk loads defer FTS5's segment merging (papers.sqlite.repo.ts): each deferred
 * transaction leaves its own index segment, merging stays off only inside those transactions
 * (never in papers_fts_config after a commit or a rollback), and finishBulkLoad merges.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { SqliteStore } from '../../src/app/sqlite.store.ts';
import { importSnapshot } from '../../src/ingest/snapshot/import.ts';
import { preparePaper } from '../../src/papers/prepared.ts';
import { keywordHits } from '../support/keyword.ts';
import { makePaper } from '../support/papers.ts';
import { snapshotRecord, toJsonl } from '../support/snapshot.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'paperboy-ftsmerge-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Segment count from FTS5's structure record (rowid 10 of %_data; see fts5_index.c). */
function segments(store: SqliteStore): number {
  const { block } = store.db.prepare('SELECT block FROM papers_fts_data WHERE id = 10').get() as {
    block: Uint8Array;
  };
  let at = 4; // cookie
  if (block[4] === 0xff && block[5] === 0 && block[6] === 0 && block[7] === 1) at += 4; // V2 magic
  const varint = () => {
    let v = 0;
    for (;;) {
      const b = block[at++]!;
      v = v * 128 + (b & 0x7f);
      if (b < 0x80) return v;
    }
  };
  varint(); // levels
  return varint();
}

const mergeConfig = (store: SqliteStore) =>
  store.db
    .prepare(
      `SELECT k, v FROM papers_fts_config WHERE k IN ('automerge', 'crisismerge', 'usermerge') ORDER BY k`,
    )
    .all()
    .map((r) => ({ ...r }));

const batch = (b: number) =>
  [0, 1].map((i) =>
    preparePaper(
      makePaper({ arxivId: `2401.${String(10 * b + i + 1).padStart(5, '0')}`, title: `Batch ${b}` }),
    ),
  );

test('deferred transactions leave one segment each, keep the merge settings, and finishBulkLoad merges them', async () => {
  const store = new SqliteStore(path.join(dir, 'deferred.db'));
  try {
    const settings = mergeConfig(store);
    for (let b = 0; b < 6; b++) await store.papers.upsertPrepared(batch(b), undefined, { deferMerge: true });
    assert.equal(segments(store), 6, 'no merging inside deferred transactions');
    assert.deepEqual(
      mergeConfig(store),
      [
        { k: 'automerge', v: 4 },
        { k: 'crisismerge', v: 16 },
      ],
      'put back',
    );
    await assert.rejects(
      store.papers.upsertPrepared(
        batch(9),
        () => {
          throw new Error('boom');
        },
        { deferMerge: true },
      ),
      /boom/,
    );
    assert.deepEqual(mergeConfig(store), [
      { k: 'automerge', v: 4 },
      { k: 'crisismerge', v: 16 },
    ]);
    assert.ok(settings.every((s) => s.k !== 'usermerge'));
    await store.papers.finishBulkLoad(6);
    assert.equal(segments(store), 1, 'merged into one');
    assert.ok(
      mergeConfig(store).some((s) => s.k === 'usermerge' && s.v === 4),
      'usermerge put back',
    );
  } finally {
    await store.close();
  }
});

test('a bulk load shorter than automerge fan-in is left to automerge', async () => {
  const store = new SqliteStore(path.join(dir, 'short.db'));
  try {
    for (let b = 0; b < 3; b++) await store.papers.upsertPrepared(batch(b), undefined, { deferMerge: true });
    await store.papers.finishBulkLoad(3);
    assert.equal(segments(store), 3);
  } finally {
    await store.close();
  }
});

test('an import stopped midway keeps its deferred segments in the cursor and the re-run merges them all', async () => {
  const file = path.join(dir, 'sixty.jsonl');
  const ids = Array.from({ length: 60 }, (_, i) => `0704.${String(i + 1).padStart(4, '0')}`);
  writeFileSync(file, toJsonl(ids.map((id) => snapshotRecord(id))));
  const store = new SqliteStore(path.join(dir, 'resume.db'));
  try {
    const stop = new AbortController();
    const first = await importSnapshot(store, file, {
      batchSize: 10,
      signal: stop.signal,
      onProgress: (p) => {
        if (p.lines >= 50) stop.abort();
      },
    });
    assert.equal(first.inserted, 50);
    assert.equal(segments(store), 5, 'five deferred transactions, not merged yet');
    const steps: number[] = [];
    const second = await importSnapshot(store, file, { batchSize: 10, onMergeStep: (n) => steps.push(n) });
    assert.equal(second.resumedFromLine, 50);
    assert.equal(second.inserted, 60);
    assert.ok(steps.length > 0, 'the re-run counted the first run’s segments and merged');
    assert.equal(segments(store), 1);
    assert.equal(await store.papers.count(), 60);
  } finally {
    await store.close();
  }
});

test('a harvest batch with replaced papers adds one segment, not one per replacement', async () => {
  const store = new SqliteStore(path.join(dir, 'harvest.db'));
  const paper = (i: number, version = 1) =>
    makePaper({
      arxivId: `2401.${String(i).padStart(5, '0')}`,
      version,
      versions: Array.from({ length: version }, (_, v) => ({
        version: v + 1,
        createdAt: '2024-01-02T03:04:05.000Z',
      })),
      title: `Paper ${i} version ${version}`,
      abstract: `Text of version ${version}.`,
    });
  try {
    await store.papers.upsertMany(Array.from({ length: 30 }, (_, i) => paper(i + 1)));
    assert.equal(segments(store), 1);
    // New papers and new versions of old ones, in no particular id order, as a harvest brings.
    const replaced = [27, 3, 14, 8, 21, 1, 30, 11, 17, 5].map((i) => paper(i, 2));
    const fresh = Array.from({ length: 10 }, (_, i) => paper(31 + i));
    const r = await store.papers.ingestBatch({ papers: [fresh[0]!, ...replaced, ...fresh.slice(1)] });
    assert.equal(r.outcomes.filter((o) => o === 'updated').length, 10);
    // An UPDATE of papers (it has triggers) opens a statement savepoint, and FTS5 flushes its
    // pending terms at every savepoint and at every rowid not above the last one written.
    assert.equal(segments(store), 2, 'the batch is one segment');
    const hits = await keywordHits(store, 'version', 50);
    assert.equal(hits.length, 40, 'every paper found once, by its current text');
  } finally {
    await store.close();
  }
});
