import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { atomEntryXml, atomFeedXml } from '../../../test/fixtures/upstream/api/generate.ts';
import { collapse, fakePapers } from '../../../test/fixtures/upstream/fake-papers.ts';
import { FIXTURE_NOW, loadFixture } from '../../../test/fixtures/upstream/load.ts';
import { parseArxivAtom } from './atom.ts';
import type { ParsedRecord } from './types.ts';

const opts = { now: FIXTURE_NOW };
const parse = (path: string) => parseArxivAtom(loadFixture(`api/${path}`), opts);
const papers = (records: ParsedRecord[]) => records.flatMap((r) => (r.kind === 'paper' ? [r.paper] : []));

describe('arXiv API Atom feed', () => {
  it('id_list response: ids, versions, dates, authors, affiliations, categories, extensions', () => {
    const page = parse('id-list.xml');
    assert.equal(page.fatal, null);
    assert.deepEqual(page.errors, []);
    assert.equal(page.apiError, null);
    assert.deepEqual([page.totalResults, page.startIndex, page.itemsPerPage], [3, 0, 10]);
    const [aiayn, diphoton, old] = papers(page.records);
    assert.equal(aiayn?.arxivId, '1706.03762');
    assert.equal(aiayn?.version, 7);
    assert.equal(aiayn?.submittedAt, '2017-06-12T17:57:34.000Z');
    assert.equal(aiayn?.updatedAt, '2023-08-02T00:41:18.000Z');
    assert.deepEqual(aiayn?.versions, [
      { version: 1, createdAt: '2017-06-12T17:57:34.000Z' },
      { version: 7, createdAt: '2023-08-02T00:41:18.000Z' },
    ]);
    assert.deepEqual(
      aiayn?.authors.map((a) => [a.name, a.affiliation]),
      [
        ['Ashish Vaswani', null],
        ['Noam Shazeer', null],
        ['Niki Parmar', 'Google Research'],
      ],
    );
    assert.equal(aiayn?.authors[0]?.keyname, 'Vaswani');
    assert.deepEqual(aiayn?.categories, ['cs.CL', 'cs.LG']);
    assert.equal(aiayn?.comments, '15 pages, 5 figures');
    assert.match(
      aiayn?.abstract ?? '',
      /^The dominant sequence transduction models are based on complex recurrent or conv/,
    );

    assert.equal(
      diphoton?.title,
      'Calculation of prompt diphoton production cross sections at Tevatron and LHC energies',
    );
    assert.equal(diphoton?.doi, '10.1103/PhysRevD.76.013009');
    assert.equal(diphoton?.journalRef, 'Phys.Rev.D76:013009,2007');
    assert.equal(diphoton?.authors[0]?.name, 'C. Balázs');

    assert.equal(old?.arxivId, 'hep-th/9901001');
    assert.equal(old?.submittedAt, '1999-01-01T15:00:00.000Z', 'offset -05:00 converted to UTC');
    assert.deepEqual(old?.categories, ['hep-th', 'math-ph'], 'MSC and ACM terms dropped');
  });

  it('primary category comes first even when listed later', () => {
    const [p] = fakePapers(1);
    const xml = atomFeedXml([{ ...p!, categories: ['cs.CV', 'cs.LG'] }]).replace(
      '<arxiv:primary_category term="cs.CV"/>',
      '<arxiv:primary_category term="cs.LG"/>',
    );
    assert.deepEqual(papers(parseArxivAtom(xml, opts).records)[0]?.categories, ['cs.LG', 'cs.CV']);
  });

  it('search paging: opensearch numbers across pages', () => {
    const p0 = parse('search-page0.xml');
    const p1 = parse('search-page1.xml');
    assert.deepEqual([p0.totalResults, p0.startIndex, p0.itemsPerPage, p0.records.length], [5, 0, 3, 3]);
    assert.deepEqual([p1.totalResults, p1.startIndex, p1.records.length], [5, 3, 2]);
    const all = [...papers(p0.records), ...papers(p1.records)];
    assert.deepEqual(
      all.map((p) => p.arxivId),
      fakePapers(5).map((p) => p.id),
    );
    assert.equal(all[0]?.title, collapse(fakePapers(1)[0]!.title));
    assert.equal(all[0]?.doi, '10.1234/example.1');
  });

  it('error feed (one entry titled Error) becomes apiError, not a record', () => {
    const page = parse('error.xml');
    assert.equal(page.fatal, null);
    assert.deepEqual(page.apiError, {
      message: 'incorrect id format for 1234.12345v',
      id: 'http://arxiv.org/api/errors#incorrect_id_format_for_1234.12345v',
    });
    assert.equal(page.records.length, 0);
    assert.equal(page.seen, 0);
  });

  it('a real paper titled "Error" is still a paper', () => {
    const [p] = fakePapers(1);
    const page = parseArxivAtom(atomFeedXml([{ ...p!, title: 'Error' }]), opts);
    assert.equal(page.apiError, null);
    assert.equal(papers(page.records)[0]?.title, 'Error');
  });

  it('empty result set', () => {
    const page = parse('empty.xml');
    assert.deepEqual([page.fatal, page.totalResults, page.records.length], [null, 0, 0]);
  });

  it('entry missing its id, bad dates and duplicates are per-entry issues', () => {
    const ps = fakePapers(4);
    const entries = [
      atomEntryXml(ps[0]!),
      atomEntryXml(ps[1]!).replace(/<id>[^<]*<\/id>/, ''),
      atomEntryXml(ps[2]!).replace(/<published>[^<]*</, '<published>2099-01-01T00:00:00Z<'),
      atomEntryXml(ps[3]!),
      atomEntryXml(ps[0]!),
    ];
    const xml = atomFeedXml([]).replace('</feed>', `${entries.join('')}</feed>`);
    const page = parseArxivAtom(xml, opts);
    assert.equal(page.fatal, null);
    assert.equal(page.seen, 5);
    assert.deepEqual(
      papers(page.records).map((p) => p.arxivId),
      [ps[0]!.id, ps[3]!.id],
    );
    const reasons = page.errors.map((e) => e.reason);
    assert.equal(reasons[0], 'missing arXiv id');
    assert.match(reasons[1]!, /date in the future: 2099-01-01/);
    assert.match(reasons[2]!, new RegExp(`^duplicate of ${ps[0]!.id}; kept the entry at entry 5`));
    assert.match(page.errors[2]!.where, /^entry 1 /);
  });
});
