import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fakePapers } from '../../../test/fixtures/upstream/fake-papers.ts';
import { FIXTURE_NOW, loadFixture } from '../../../test/fixtures/upstream/load.ts';
import { rssFeedXml } from '../../../test/fixtures/upstream/rss/generate.ts';
import { parseArxivRss } from './rss.ts';
import type { ParsedRecord } from './types.ts';

const opts = { now: FIXTURE_NOW };
const parse = (path: string) => parseArxivRss(loadFixture(`rss/${path}`), opts);
const summary = (records: ParsedRecord[]) =>
  records.map((r) => (r.kind === 'paper' ? `${r.paper.arxivId}v${r.paper.version} ${r.announceType}` : '?'));

describe('arXiv RSS feed', () => {
  it('cs.LG: all four announce types, ids, versions, authors, categories', () => {
    const page = parseArxivRss(loadFixture('rss/cs.LG.xml'), opts);
    assert.equal(page.fatal, null);
    assert.deepEqual(page.errors, []);
    assert.equal(page.channel.title, 'cs.LG updates on arXiv.org');
    assert.equal(page.channel.pubDate, '2024-02-01T05:00:00.000Z');
    assert.deepEqual(page.channel.skipDays, ['Sunday', 'Saturday']);
    assert.deepEqual(summary(page.records), [
      '2402.00011v1 new',
      '2402.00012v1 cross',
      '2401.00103v2 replace',
      '2312.09999v3 replace-cross',
    ]);
    const [moe, diff, gtr, calib] = page.records.map((r) => (r.kind === 'paper' ? r.paper : null));
    assert.equal(moe?.title, 'Sparse Mixture-of-Experts Routing with Learned Temperature');
    assert.equal(
      moe?.abstract,
      'We introduce a routing scheme for sparse mixture-of-experts layers in which the softmax temperature is learned per expert. Code: https://github.com/example/moe-temp',
    );
    assert.deepEqual(
      moe?.authors.map((a) => a.name),
      ['Alice Smith', 'Bob Jones', 'Chen Wang'],
    );
    assert.deepEqual(moe?.categories, ['cs.LG', 'cs.AI']);
    assert.equal(moe?.submittedAt, '2024-02-01T05:00:00.000Z', 'announcement date');
    assert.equal(moe?.license, 'http://creativecommons.org/licenses/by/4.0/');
    assert.ok(moe?.links.some((l) => l.url.startsWith('https://github.com/example/moe-temp')));
    assert.equal(diff?.title, 'Diffusion Models for Tabular Data & Beyond');
    assert.match(diff?.abstract ?? '', /<b>score-based<\/b> diffusion/, 'escaped HTML stays text');
    assert.equal(gtr?.doi, '10.1234/gtr.2024.7');
    assert.equal(gtr?.journalRef, 'J. Graph Learn. 3 (2024) 1-20');
    assert.deepEqual(gtr?.versions, [{ version: 2, createdAt: '2024-02-01T05:00:00.000Z' }]);
    assert.equal(calib?.authors[2]?.name, 'Jürgen Schmidhuber');
  });

  it('cs.LG+cs.CV: a paper listed twice is kept once, as its primary ("new") listing', () => {
    const page = parse('cs.LG+cs.CV.xml');
    assert.equal(page.fatal, null);
    assert.equal(page.seen, 6);
    assert.deepEqual(summary(page.records), [
      '2402.00011v1 new',
      '2402.00012v1 cross',
      '2401.00103v2 replace',
      '2312.09999v3 replace-cross',
      '2402.00021v1 new',
    ]);
    assert.equal(page.errors.length, 1);
    assert.match(page.errors[0]!.reason, /duplicate of 2402\.00011/);
  });

  it('empty weekend feed is not an error', () => {
    const page = parse('weekend-empty.xml');
    assert.deepEqual([page.fatal, page.records.length, page.errors.length], [null, 0, 0]);
    assert.equal(page.channel.pubDate, '2024-02-03T05:00:00.000Z');
  });

  it('Atom variant (/atom/<cat>)', () => {
    const page = parse('cs.LG.atom.xml');
    assert.equal(page.fatal, null);
    assert.deepEqual(page.errors, []);
    assert.deepEqual(summary(page.records), ['2402.00011v1 new', '2401.00103v2 replace']);
    const p = page.records[0]?.kind === 'paper' ? page.records[0].paper : null;
    assert.equal(p?.authors.length, 3);
    assert.deepEqual(p?.categories, ['cs.LG', 'cs.AI']);
    const gtr = page.records[1]?.kind === 'paper' ? page.records[1].paper : null;
    assert.equal(gtr?.doi, '10.1234/gtr.2024.7');
  });

  it('generated feed round-trips; missing guid falls back to the description id', () => {
    const ps = fakePapers(6);
    const xml = rssFeedXml(
      'cs.LG',
      '2024-02-01',
      ps.map((paper, i) => ({
        paper,
        announceType: (['new', 'cross', 'replace', 'replace-cross'] as const)[i % 4]!,
      })),
    ).replace(/<guid[^>]*>oai:arXiv.org:2401.00002v2<\/guid>/, '');
    const page = parseArxivRss(xml, opts);
    assert.deepEqual(page.errors, []);
    assert.deepEqual(
      page.records.map((r) => (r.kind === 'paper' ? r.paper.arxivId : '')),
      ps.map((p) => p.id),
    );
  });

  it('per-item problems: missing id, unknown announce type, future date', () => {
    const [a, b, c, d] = fakePapers(4);
    let xml = rssFeedXml(
      'cs.LG',
      '2024-02-01',
      [a!, b!, c!, d!].map((paper) => ({ paper, announceType: 'new' })),
    );
    const items = xml.split('<item>');
    items[2] = items[2]!
      .replace(/<guid[^>]*>[^<]*<\/guid>/, '')
      .replace(/<description>arXiv:\S+/, '<description>');
    items[2] = items[2]!.replace(/<link>[^<]*<\/link>/, '');
    items[3] = items[3]!.replace(/<arxiv:announce_type>new/, '<arxiv:announce_type>bogus');
    items[4] = items[4]!.replace(/<pubDate>[^<]*/, '<pubDate>Fri, 01 Jan 2100 00:00:00 GMT');
    xml = items.join('<item>');
    const page = parseArxivRss(xml, opts);
    assert.deepEqual(
      page.records.map((r) => (r.kind === 'paper' ? r.paper.arxivId : '')),
      [a!.id],
    );
    const reasons = page.errors.map((e) => e.reason);
    assert.equal(reasons[0], 'missing arXiv id');
    assert.equal(reasons[1], 'unknown announce type "bogus"');
    assert.match(reasons[2]!, /date in the future: 2100-01-01/);
    assert.equal(page.records.length + page.errors.length, page.seen);
  });
});
