import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dailyPapersJson } from '../../../test/fixtures/upstream/daily-papers/generate.ts';
import { collapse, fakePapers } from '../../../test/fixtures/upstream/fake-papers.ts';
import { FIXTURE_NOW, loadFixture } from '../../../test/fixtures/upstream/load.ts';
import { parseDailyPapers } from './daily-papers.ts';
import { MAX_TITLE_CHARS } from './types.ts';

const opts = { now: FIXTURE_NOW };
type DailyItem = { paper: Record<string, unknown>; [key: string]: unknown };

describe('daily-papers JSON', () => {
  it("a day's list: the two publishedAts, upvotes, submitter, links; non-arXiv ids rejected", () => {
    const r = parseDailyPapers(loadFixture('daily-papers/2024-02-01.json'), opts);
    assert.equal(r.fatal, null);
    assert.equal(r.seen, 4);
    assert.deepEqual(
      r.items.map((i) => [i.paper.arxivId, i.featuredDay, i.upvotes, i.submittedBy]),
      [
        ['2402.00011', '2024-02-01', 42, 'akhaliq'],
        ['2401.00103', '2024-02-01', 7, 'dgarcia'],
        ['2402.00099', '2024-02-01', 1, 'mallory'],
      ],
    );
    assert.deepEqual(r.errors, [
      { where: 'item 4 (not-an-arxiv-id-123)', reason: 'not an arXiv id: "not-an-arxiv-id-123"' },
    ]);
    const [moe, gtr, evil] = r.items.map((i) => i.paper);
    assert.equal(moe?.submittedAt, '2024-01-31T18:59:02.000Z', 'paper.publishedAt is the arXiv date');
    assert.equal(moe?.abstract.includes('\n'), false);
    assert.deepEqual(
      moe?.authors.map((a) => a.name),
      ['Alice Smith', 'Bob Jones', 'Chen Wang'],
    );
    assert.ok(moe?.links.some((l) => l.kind === 'code' && l.url === 'https://github.com/example/moe-temp'));
    assert.ok(gtr?.links.some((l) => l.kind === 'project' && l.host === 'example.org'));
    assert.equal(evil?.title, 'A <script>alert(1)</script> Title & Friends', 'kept as text');
    assert.ok(!evil?.links.some((l) => l.url.startsWith('javascript:')), 'javascript: URL dropped');
  });

  it('generated list round-trips', () => {
    const ps = fakePapers(12);
    const r = parseDailyPapers(dailyPapersJson(ps, '2024-01-20'), opts);
    assert.deepEqual(r.errors, []);
    assert.deepEqual(
      r.items.map((i) => i.paper.arxivId),
      ps.map((p) => p.id),
    );
    assert.equal(r.items[3]?.paper.title, collapse(ps[3]!.title));
    assert.ok(r.items.every((i) => i.featuredDay === '2024-01-20'));
  });

  it('bad items are skipped with reasons; duplicates keep the last', () => {
    const [a, b] = JSON.parse(dailyPapersJson(fakePapers(2), '2024-01-20')) as DailyItem[];
    const items = [
      a,
      null,
      { paper: { ...b!.paper, id: undefined } },
      { ...b, paper: { ...b!.paper, title: 'x'.repeat(MAX_TITLE_CHARS + 1) } },
      { ...b, paper: { ...b!.paper, publishedAt: '2099-01-01T00:00:00Z' } },
      { ...b, publishedAt: '2099-01-01T00:00:00Z' },
      { ...b, paper: { ...b!.paper, summary: 'bad \ud800 surrogate' } },
      { ...b, paper: { ...b!.paper, withdrawnAt: '2024-01-21T00:00:00Z' } },
      { ...a, paper: { ...a!.paper, upvotes: -5, title: 'Later copy' } },
    ];
    const r = parseDailyPapers(JSON.stringify(items), opts);
    assert.equal(r.fatal, null);
    assert.equal(r.seen, 9);
    assert.deepEqual(
      r.items.map((i) => [i.paper.title, i.upvotes]),
      [['Later copy', 0]],
    );
    assert.deepEqual(
      r.errors.map((e) => e.reason.replace(/[:(].*/, '').trim()),
      [
        'item is not an object',
        'missing arXiv id',
        'title longer than 2000 chars',
        'submission date in the future',
        'featured date in the future',
        'invalid UTF-8 in abstract',
        'paper was withdrawn',
        'duplicate of 2401.00001; kept item 9',
      ],
    );
  });

  it('truncated JSON: top-level error and the complete items before the break', () => {
    const text = dailyPapersJson(fakePapers(5), '2024-01-20');
    const cut = text.slice(0, text.indexOf('"id":"2401.00004"'));
    const r = parseDailyPapers(Buffer.from(cut), opts);
    assert.match(r.fatal?.reason ?? '', /invalid JSON/);
    assert.deepEqual(
      r.items.map((i) => i.paper.arxivId),
      ['2401.00001', '2401.00002', '2401.00003'],
    );
  });

  it('not an array (the 400 error body) and garbage are clean failures', () => {
    assert.match(
      parseDailyPapers('{"error":"Invalid date"}').fatal?.reason ?? '',
      /expected a JSON array: Invalid date/,
    );
    for (const s of ['', 'null', '<html>', '[', '[1,2', '"x"', Buffer.from([0xff, 0x00])]) {
      const r = parseDailyPapers(s, opts);
      assert.ok(r.fatal || r.errors.length, String(s));
      assert.equal(r.items.length, 0);
    }
  });

  it('invalid UTF-8 bytes reject the item, not the list', () => {
    const text = dailyPapersJson(fakePapers(2), '2024-01-20');
    const bytes = Buffer.from(text.replace('Synthetic study 2', 'Synthetic study @@'));
    bytes.fill(0xff, bytes.indexOf('@@'), bytes.indexOf('@@') + 2);
    const r = parseDailyPapers(bytes, opts);
    assert.deepEqual(
      r.items.map((i) => i.paper.arxivId),
      ['2401.00001'],
    );
    assert.match(r.errors[0]?.reason ?? '', /invalid UTF-8 in title/);
  });
});
