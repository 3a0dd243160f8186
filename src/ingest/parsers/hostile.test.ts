/**
 * The mandatory security and robustness cases, one test each, across the XML parsers.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fakePapers } from '../../../test/fixtures/upstream/fake-papers.ts';
import { FIXTURE_NOW, loadFixture } from '../../../test/fixtures/upstream/load.ts';
import { oaiListRecordsXml } from '../../../test/fixtures/upstream/oai/generate.ts';
import { startFixtureServer } from '../../../test/support/fixture-server.ts';
import { parseArxivAtom } from './atom.ts';
import { parseOaiListRecords } from './oai.ts';
import { parseArxivRss } from './rss.ts';
import { MAX_ABSTRACT_CHARS, MAX_TITLE_CHARS, type ParsedRecord } from './types.ts';

const opts = { now: FIXTURE_NOW };
const hostile = (name: string) => parseOaiListRecords(loadFixture(`oai/hostile/${name}`), opts);
const ids = (records: ParsedRecord[]) =>
  records.map((r) => (r.kind === 'paper' ? r.paper.arxivId : r.arxivId));
const titles = (records: ParsedRecord[]) =>
  records.flatMap((r) => (r.kind === 'paper' ? [r.paper.title] : []));

function timed<T>(fn: () => T): T {
  const t0 = performance.now();
  const out = fn();
  assert.ok(performance.now() - t0 < 1000, 'must not hang');
  return out;
}

describe('hostile XML', () => {
  it('billion laughs: DOCTYPE with internal entities is refused, nothing expands, no hang', () => {
    const page = timed(() => hostile('billion-laughs.xml'));
    assert.match(page.fatal?.reason ?? '', /DOCTYPE is not allowed/);
    assert.equal(page.records.length, 0);
    assert.ok(!JSON.stringify(page).includes('lollol'));
  });

  it('external entity SYSTEM "file:///etc/passwd" is never read', () => {
    const page = timed(() => hostile('xxe-file.xml'));
    assert.match(page.fatal?.reason ?? '', /DOCTYPE/);
    assert.ok(!JSON.stringify(page).includes('root:'));
    assert.equal(page.records.length, 0);
  });

  it('external entity over http is never fetched', async () => {
    const server = await startFixtureServer({ '/evil.dtd': '<!ENTITY x "pwned">', '/secret': 'pwned' });
    try {
      const xml =
        '<?xml version="1.0"?>\n' +
        `<!DOCTYPE OAI-PMH [ <!ENTITY % remote SYSTEM "${server.url}/evil.dtd"> %remote; ` +
        `<!ENTITY xxe SYSTEM "${server.url}/secret"> ]>\n` +
        oaiListRecordsXml(fakePapers(1))
          .replace(/^<\?xml[^>]*>\n/, '')
          .replace('<title>', '<title>&xxe;');
      const page = timed(() => parseOaiListRecords(xml, opts));
      assert.match(page.fatal?.reason ?? '', /DOCTYPE/);
      assert.ok(!JSON.stringify(page).includes('pwned'));
      const fixturePage = hostile('xxe-http.xml');
      assert.match(fixturePage.fatal?.reason ?? '', /DOCTYPE/);
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(server.requests.length, 0, 'the parser made no request');
    } finally {
      await server.close();
    }
  });

  it('undefined entity (&nbsp;) rejects only its record', () => {
    const page = hostile('undefined-entity.xml');
    assert.equal(page.fatal, null);
    assert.deepEqual(ids(page.records), ['2401.00701', '2401.00703']);
    assert.equal(page.errors.length, 1);
    assert.match(page.errors[0]!.where, /^record 2 \(2401\.00702\) at line \d+$/);
    assert.match(page.errors[0]!.reason, /undefined entity/);
  });

  it('invalid UTF-8 bytes: decoded without crashing, the record is rejected with a reason', () => {
    const page = hostile('invalid-utf8.xml');
    assert.equal(page.fatal, null);
    assert.deepEqual(ids(page.records), ['2401.00401', '2401.00403']);
    assert.equal(page.errors.length, 1);
    assert.match(page.errors[0]!.reason, /invalid UTF-8 in title/);
    assert.match(page.errors[0]!.where, /2401\.00402/);
  });

  it('control characters (not allowed in XML) reject only their record', () => {
    const page = hostile('control-char.xml');
    assert.equal(page.fatal, null);
    assert.deepEqual(ids(page.records), ['2401.00901', '2401.00903']);
    assert.match(page.errors[0]?.reason ?? '', /disallowed character/);
  });

  it('entry missing its id is skipped with an issue; neighbours survive', () => {
    const page = hostile('missing-id.xml');
    assert.equal(page.fatal, null);
    assert.equal(page.seen, 5);
    assert.deepEqual(ids(page.records), ['2401.00501', '2401.00502']);
    assert.deepEqual(
      page.errors.map((e) => [e.where.replace(/ at line \d+/, ''), e.reason]),
      [
        ['record 2', 'missing arXiv id'],
        ['record 3', 'missing identifier'],
        ['record 4 (not-an-id)', 'not an arXiv id: "not-an-id"'],
      ],
    );
  });

  it('dates in the future, impossible dates and pre-arXiv dates are rejected per record', () => {
    const page = hostile('bad-dates.xml');
    assert.deepEqual(ids(page.records), ['2401.00605']);
    const reasons = page.errors.map((e) => e.reason);
    assert.match(reasons[0]!, /submission date in the future/);
    assert.match(reasons[1]!, /datestamp date in the future/);
    assert.match(reasons[2]!, /impossible submission date/);
    assert.match(reasons[3]!, /impossible submission date|before arXiv/);
    assert.equal(page.records.length + page.errors.length, page.seen);
  });

  it('a 5 MB title rejects the record (cap exported), the rest of the page survives, fast', () => {
    const [a, b, c] = fakePapers(3);
    const big = 'x'.repeat(5 * 1024 * 1024);
    const xml = oaiListRecordsXml([
      a!,
      { ...b!, title: big },
      { ...c!, abstract: 'y '.repeat(MAX_ABSTRACT_CHARS) },
    ]);
    const page = timed(() => parseOaiListRecords(xml, opts));
    assert.equal(MAX_TITLE_CHARS, 2000);
    assert.deepEqual(ids(page.records), [a!.id]);
    assert.match(page.errors[0]!.reason, /title longer than 2000 chars/);
    assert.match(page.errors[1]!.reason, /abstract longer than 20000 chars/);
  });

  it('HTML and <script> in titles/abstracts stay plain text; tags are never structure', () => {
    const page = hostile('html-in-fields.xml');
    assert.equal(page.fatal, null);
    const ps = page.records.flatMap((r) => (r.kind === 'paper' ? [r.paper] : []));
    assert.equal(ps[0]?.title, 'Script <script>alert(1)</script> in the title');
    assert.equal(ps[0]?.abstract, 'An abstract with <img src=x onerror=alert(1)> and &amp; and $x < y$.');
    assert.equal(ps[1]?.title, '<b>Bold</b> & <i>italic</i> via CDATA');
    assert.equal(ps[1]?.abstract, '<p>Paragraph</p><script>steal()</script>');
    assert.equal(ps[2]?.title, 'Unescaped markup in a title');
    assert.ok(!ids(page.records).includes('9999.99999'), 'a nested <entry> is not a record');
  });

  it('duplicate entries in one page are de-duplicated (last wins) and reported', () => {
    const page = hostile('duplicates.xml');
    assert.deepEqual(ids(page.records), ['2401.00401', '2401.00402']);
    assert.deepEqual(titles(page.records), ['Second copy', 'Unrelated paper']);
    assert.equal(page.errors.length, 1);
    assert.match(page.errors[0]!.reason, /duplicate of 2401\.00401/);
  });

  it('duplicates: the highest version wins regardless of order', () => {
    const [p] = fakePapers(3).slice(2); // 3 versions
    const v1 = { ...p!, versions: p!.versions.slice(0, 1), title: 'old' };
    const page = parseOaiListRecords(oaiListRecordsXml([p!, v1], { format: 'arXivRaw' }), opts);
    assert.deepEqual(titles(page.records), [p!.title.replace(/\s+/g, ' ')]);
  });

  it('whitespace: titles and abstracts collapse hard wraps into single spaces and trim', () => {
    const page = parseOaiListRecords(loadFixture('oai/arxiv-page1.xml'), opts);
    const p = page.records[1]?.kind === 'paper' ? page.records[1].paper : null;
    assert.equal(p?.title, 'Sparse $\\alpha$-Attention for Long Documents');
    assert.equal(
      p?.abstract,
      'We propose sparse $\\alpha$-attention, a drop-in replacement for softmax attention that scales to ' +
        'documents of 100k tokens. Experiments on three benchmarks show consistent gains.',
    );
    const rss = parseArxivRss(loadFixture('rss/cs.LG.xml'), opts);
    for (const r of rss.records)
      if (r.kind === 'paper') assert.doesNotMatch(r.paper.abstract, /\s{2}|\n|^\s|\s$/);
  });

  it('truncated XML: top-level error plus every complete record before the break', () => {
    const page = hostile('truncated.xml');
    assert.ok(page.fatal);
    assert.match(page.fatal.where, /^line \d+:\d+$/);
    assert.deepEqual(ids(page.records), ['2401.00801', '2401.00802']);
    assert.equal(page.done, false);
    assert.equal(page.resumptionToken, null);
  });

  it('not XML at all (an HTML error page) fails cleanly', () => {
    const page = hostile('not-xml.html');
    assert.ok(page.fatal);
    assert.equal(page.records.length, 0);
    for (const input of ['', 'garbage', '{"json": true}', Buffer.from([0xff, 0xfe, 0x00])]) {
      assert.ok(parseOaiListRecords(input).fatal);
      assert.ok(parseArxivAtom(input).fatal);
      assert.ok(parseArxivRss(input).fatal);
    }
  });

  it('deep nesting is bounded', () => {
    const xml = `<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">${'<a>'.repeat(100_000)}`;
    const page = timed(() => parseOaiListRecords(xml, opts));
    assert.match(page.fatal?.reason ?? '', /nested deeper/);
  });
});
