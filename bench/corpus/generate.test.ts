import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, it } from 'node:test';
import { type ArxivRecord, generatePapers, queriesPathFor, writeCorpus } from './generate.ts';
import { toJsonLine } from './jsonl.ts';
import { PaperGenerator } from './papers.ts';
import { TOKENIZE } from './stem.ts';
import { mergeTruth } from './truth.ts';

const N = 12_000; // more than two chunks, so chunk reseeding is exercised

function corpus(count: number, seed: number) {
  const g = new PaperGenerator(count, seed);
  const papers: ArxivRecord[] = [];
  while (!g.done) papers.push(g.next());
  return { papers, truth: mergeTruth(g.world, [g.truth.take()], count, seed) };
}

const { papers, truth } = corpus(N, 7);
const words = (s: string) => s.match(/[\p{L}\p{N}]+/gu) ?? [];
const flat = (s: string) => s.replace(/\s+/g, ' ').toLowerCase();

describe('corpus generator', () => {
  it('is deterministic: same seed, same bytes; another seed differs', () => {
    const again = [...generatePapers(N, 7)].map(toJsonLine).join('');
    assert.equal(again, papers.map(toJsonLine).join(''));
    const other = [...generatePapers(200, 8)].map(toJsonLine).join('');
    assert.notEqual(other, papers.slice(0, 200).map(toJsonLine).join(''));
  });

  it('writes the same file with or without worker threads, plus the ground truth', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'corpus-'));
    try {
      const a = path.join(dir, 'a.jsonl');
      const b = path.join(dir, 'b.jsonl');
      await writeCorpus({ count: 11_000, seed: 3, out: a, workers: 0 });
      await writeCorpus({ count: 11_000, seed: 3, out: b, workers: 2 });
      assert.ok((await readFile(a)).equals(await readFile(b)));
      assert.equal(await readFile(queriesPathFor(a), 'utf8'), await readFile(queriesPathFor(b), 'utf8'));
      const lines = (await readFile(a, 'latin1')).split('\n');
      assert.equal(lines.length, 11_001);
      assert.deepEqual(JSON.parse(lines[0]!), [...generatePapers(11_000, 3)][0]);
      const q = JSON.parse(await readFile(queriesPathFor(a), 'utf8'));
      assert.ok(q.synonym.length >= 40 && q.keyword.length >= 40);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('serializes to the same JSON as JSON.stringify, in ASCII', () => {
    for (const p of papers) {
      const line = toJsonLine(p);
      assert.match(line, /^[\x20-\x7e]*\n$/);
      assert.deepEqual(JSON.parse(line), JSON.parse(JSON.stringify(p)));
    }
  });

  it('produces valid snapshot fields', () => {
    const ids = new Set<string>();
    let old = 0;
    let code = 0;
    let doi = 0;
    for (const p of papers) {
      assert.match(p.id, /^(\d{4}\.\d{5}|[a-z-]+\/\d{7})$/);
      assert.ok(!ids.has(p.id), `duplicate id ${p.id}`);
      ids.add(p.id);
      if (p.id.includes('/')) old++;
      const yy = p.id.includes('/') ? Number(p.id.split('/')[1]!.slice(0, 2)) : Number(p.id.slice(0, 2));
      assert.ok(p.id.includes('/') ? yy >= 95 || yy <= 7 : yy >= 15 && yy <= 26);
      assert.ok(p.versions.length >= 1 && p.versions.length <= 3);
      p.versions.forEach((v, i) => {
        assert.equal(v.version, `v${i + 1}`);
        assert.match(
          v.created,
          /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{1,2} [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT$/,
        );
      });
      const v1 = new Date(p.versions[0]!.created);
      assert.equal(
        p.id.includes('/') ? p.id.split('/')[1]!.slice(0, 4) : p.id.slice(0, 4),
        `${String(v1.getUTCFullYear() % 100).padStart(2, '0')}${String(v1.getUTCMonth() + 1).padStart(2, '0')}`,
      );
      assert.match(p.update_date, /^\d{4}-\d\d-\d\d$/);
      assert.ok(p.update_date >= v1.toISOString().slice(0, 10));
      assert.match(p.categories, /^[a-z-]+(\.[A-Za-z-]+)?( [a-z-]+(\.[A-Za-z-]+)?)*$/);
      const named = p.authors.replace(/ \([^)]*\)/g, '').split(/, | and /);
      assert.equal(named.length, p.authors_parsed.length);
      for (const a of p.authors_parsed) assert.ok(a.length === 3 && a[0]!.length > 0 && a[1]!.length > 0);
      assert.ok(p.abstract.startsWith('  ') && p.abstract.endsWith('\n') && !p.abstract.startsWith('   '));
      for (const l of p.abstract.slice(0, -1).split('\n')) assert.ok(l.length <= 80, `long line: ${l}`);
      const n = words(p.abstract).length;
      assert.ok(n >= 150 && n <= 300, `abstract has ${n} words`);
      const t = words(p.title).length;
      assert.ok(t >= 6 && t <= 14, `title has ${t} words: ${p.title}`);
      if (p.comments?.includes('https://github.com/')) code++;
      if (p.doi) doi++;
    }
    assert.ok(old / N > 0.015 && old / N < 0.025, `old-style share ${old / N}`);
    assert.ok(code / N > 0.1 && code / N < 0.2, `code link share ${code / N}`);
    assert.ok(doi / N < 0.2);
    assert.ok(papers.some((p) => p.authors.includes('{\\"u}')));
  });

  it('has synonym and keyword ground truth that holds in a real FTS5 porter index', () => {
    assert.ok(truth.synonym.length >= 40, `only ${truth.synonym.length} synonym queries`);
    assert.ok(truth.keyword.length >= 40, `only ${truth.keyword.length} keyword queries`);
    const db = new DatabaseSync(':memory:');
    db.exec(
      `CREATE VIRTUAL TABLE f USING fts5(id UNINDEXED, title, abstract, authors, tokenize = '${TOKENIZE}')`,
    );
    const ins = db.prepare('INSERT INTO f (rowid, id, title, abstract, authors) VALUES (?, ?, ?, ?, ?)');
    db.exec('BEGIN');
    for (const [i, p] of papers.entries()) ins.run(i + 1, p.id, p.title, p.abstract, p.authors);
    db.exec('COMMIT');
    const byId = new Map(papers.map((p) => [p.id, p]));
    const match = db.prepare('SELECT id FROM f WHERE f MATCH ?');

    for (const s of truth.synonym) {
      assert.ok(s.relevant.length > 0 && s.relevant.length <= truth.cap && s.total >= s.relevant.length);
      const anyToken = words(s.q)
        .map((w) => `"${w}"`)
        .join(' OR ');
      const hits = new Set((match.all(anyToken) as { id: string }[]).map((r) => r.id));
      assert.ok(hits.size > 0, `query "${s.q}" matches nothing at all`);
      const others = s.variants.filter((v) => v !== s.q).map((v) => flat(v));
      for (const id of s.relevant) {
        assert.ok(!hits.has(id), `relevant ${id} contains a word of "${s.q}"`);
        const text = flat(`${byId.get(id)!.title} ${byId.get(id)!.abstract}`);
        assert.ok(
          others.some((v) => text.includes(v)),
          `${id} uses no other variant of "${s.q}"`,
        );
      }
    }
    for (const k of truth.keyword) {
      const all = words(k.q)
        .map((w) => `"${w}"`)
        .join(' AND ');
      const hits = (match.all(`{title abstract} : (${all})`) as { id: string }[]).map((r) => r.id);
      assert.equal(hits.length, k.total, `keyword "${k.q}"`);
      assert.deepEqual(new Set(k.relevant), new Set(hits.slice(0, truth.cap)));
    }
    db.close();
  });
});
