/**
 * `paperboy search` runs the site's search: keyword only (and says so on stderr) before
 * `reindex`, hybrid after it — finding papers that name the concept with another word — with
 * `--json` kept one parseable line, and query errors reported with their position.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SqliteStore } from '../../src/app/sqlite.store.ts';
import { main } from '../../src/cli/main.ts';
import { reindex } from '../../src/search/reindex.ts';
import { resetSemantic } from '../../src/search/semantic.ts';
import { tempDir } from '../support/app.ts';
import { searchCorpus } from './corpus.ts';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  const ewrite = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((c: string) => out.push(String(c)) > 0) as typeof process.stdout.write;
  process.stderr.write = ((c: string) => err.push(String(c)) > 0) as typeof process.stderr.write;
  try {
    const code = await main(args);
    return { code, out: out.join(''), err: err.join('') };
  } finally {
    process.stdout.write = write;
    process.stderr.write = ewrite;
  }
}

describe('paperboy search', () => {
  const dir = tempDir();
  const papers = searchCorpus();
  const carOnly = new Set(papers.filter((p) => p.variant === 'car').map((p) => p.input.arxivId));
  const search = (...args: string[]) => run(['search', ...args, '--data', dir]);
  before(async () => {
    const store = new SqliteStore(path.join(dir, 'paperboy.db'));
    await store.papers.upsertMany(papers.map((p) => p.input));
    await store.close();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('answers by keyword before reindex, and says so', async () => {
    const r = await search('automobile', '--json', '--limit', '20');
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /keyword matches only/);
    const rows = JSON.parse(r.out) as { id: string; matchedBy: string[] }[];
    assert.ok(rows.length > 0);
    assert.equal(rows.filter((h) => carOnly.has(h.id)).length, 0, 'keyword cannot find "car" papers');
    assert.ok(rows.every((h) => h.matchedBy.join() === 'keyword'));
  });

  it('searches by meaning too once vectors exist', async () => {
    const store = new SqliteStore(path.join(dir, 'paperboy.db'));
    await reindex(store, { data: dir, embedder: 'builtin' }, { sample: 1000 });
    resetSemantic(store);
    await store.close();
    const r = await search('automobile', '--json', '--limit', '20');
    assert.equal(r.code, 0, r.err);
    assert.doesNotMatch(r.err, /keyword matches only/);
    const rows = JSON.parse(r.out) as { id: string; matchedBy: string[] }[];
    assert.ok(rows.filter((h) => carOnly.has(h.id)).length >= 3, r.out);
    assert.ok(rows.some((h) => h.matchedBy.includes('vector')));
    const text = await search('automobile', '--limit', '3');
    assert.equal(text.out.trim().split('\n').length, 3);
  });

  it('reports a query error with its position and exit code 2', async () => {
    const r = await search('"unclosed phrase');
    assert.equal(r.code, 2);
    assert.match(r.err, /at character \d+/);
    assert.equal(r.out, '');
  });
});
