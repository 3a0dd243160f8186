import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { collapse, fakePapers } from '../../../test/fixtures/upstream/fake-papers.ts';
import { FIXTURE_NOW, loadFixture } from '../../../test/fixtures/upstream/load.ts';
import { oaiListing, oaiListRecordsXml } from '../../../test/fixtures/upstream/oai/generate.ts';
import { parseOaiListRecords } from './oai.ts';
import type { ParsedRecord } from './types.ts';

const opts = { now: FIXTURE_NOW };
const parse = (path: string) => parseOaiListRecords(loadFixture(`oai/${path}`), opts);
const papers = (records: ParsedRecord[]) => records.flatMap((r) => (r.kind === 'paper' ? [r.paper] : []));

describe('OAI-PMH arXiv format', () => {
  it('parses a page: papers, deleted record, token, datestamps and sets', () => {
    const page = parse('arxiv-page1.xml');
    assert.equal(page.fatal, null);
    assert.deepEqual(page.errors, []);
    assert.equal(page.seen, 3);
    assert.equal(page.responseDate, '2024-02-01T12:00:00Z');
    assert.deepEqual(page.resumptionToken, {
      token: '6960524|1001',
      expirationDate: '2024-02-02T12:00:00Z',
      cursor: null,
      completeListSize: null,
    });
    assert.equal(page.done, false);
    const [first, second, deleted] = page.records;
    assert.equal(first?.kind, 'paper');
    if (first?.kind !== 'paper' || second?.kind !== 'paper') return;
    const p = first.paper;
    assert.equal(p.arxivId, '0704.0001');
    assert.equal(
      p.title,
      'Calculation of prompt diphoton production cross sections at Tevatron and LHC energies',
    );
    assert.match(
      p.abstract,
      /^A fully differential calculation in perturbative quantum chromodynamics is presented/,
    );
    assert.equal(p.authors.length, 4);
    assert.equal(p.authors[0]?.name, 'C. Balázs');
    assert.equal(p.authors[0]?.keyname, 'Balázs');
    assert.equal(p.authors[0]?.affiliation, 'Argonne National Laboratory');
    assert.equal(p.authors[2]?.affiliation, 'Argonne National Laboratory; Southern Methodist University');
    assert.equal(p.authors[1]?.affiliation, null);
    assert.equal(p.submittedAt, '2007-04-02T00:00:00.000Z');
    assert.equal(p.updatedAt, '2007-07-24T00:00:00.000Z');
    assert.equal(p.version, 1, 'the arXiv format does not say which version');
    assert.equal(p.doi, '10.1103/PhysRevD.76.013009');
    assert.equal(p.journalRef, 'Phys.Rev.D76:013009,2007');
    assert.equal(p.reportNo, 'ANL-HEP-PR-07-12');
    assert.deepEqual(p.categories, ['hep-ph']);
    assert.equal(first.datestamp, '2024-01-30');
    assert.deepEqual(first.sets, ['physics:hep-ph']);

    assert.deepEqual(second.paper.categories, ['cs.LG', 'stat.ML', 'cs.CL']);
    assert.equal(second.paper.authors[0]?.suffix, 'Jr');
    assert.equal(second.paper.license, 'http://creativecommons.org/licenses/by/4.0/');
    assert.ok(second.paper.links.some((l) => l.url.includes('github.com/example/sparse-alpha')));
    assert.deepEqual(deleted, {
      kind: 'deleted',
      arxivId: '2401.00102',
      datestamp: '2024-01-31',
      sets: ['cs'],
    });
  });

  it('last page: empty <resumptionToken/> ends the list; old-style ids', () => {
    const page = parse('arxiv-page2.xml');
    assert.equal(page.fatal, null);
    assert.equal(page.resumptionToken, null);
    assert.equal(page.done, true);
    assert.deepEqual(
      papers(page.records).map((p) => p.arxivId),
      ['hep-th/9901001', '2401.00103'],
    );
    assert.equal(papers(page.records)[0]?.title, 'Notes on D-branes and dualities', 'whitespace collapsed');
  });
});

describe('OAI-PMH arXivRaw format', () => {
  it('parses versions, sizes, submitter and the authors string', () => {
    const page = parse('arxivraw-page1.xml');
    assert.equal(page.fatal, null);
    assert.deepEqual(page.errors, []);
    const [a, b] = papers(page.records);
    assert.equal(a?.version, 2);
    assert.deepEqual(a?.versions, [
      { version: 1, createdAt: '2007-04-02T19:18:42.000Z', size: '520kb' },
      { version: 2, createdAt: '2007-07-24T20:10:27.000Z', size: '528kb' },
    ]);
    assert.equal(a?.submittedAt, '2007-04-02T19:18:42.000Z');
    assert.equal(a?.updatedAt, '2007-07-24T20:10:27.000Z');
    assert.equal(a?.submitter, 'Pavel Nadolsky');
    assert.equal(a?.authors[0]?.name, 'C. Balázs', 'LaTeX accent resolved');
    assert.equal(a?.authors.length, 4);
    assert.equal(b?.version, 3);
    assert.equal(b?.updatedAt, '2024-01-30T17:45:12.000Z');
    assert.equal(page.records[2]?.kind, 'deleted');
    assert.equal(page.resumptionToken?.token, '7000001|1001');
  });

  it('last page ends the list', () => {
    const page = parse('arxivraw-page2.xml');
    assert.equal(page.done, true);
    assert.equal(papers(page.records)[0]?.arxivId, 'math/0309136');
  });
});

describe('OAI-PMH paging and errors', () => {
  it('empty page with a resumption token is not the end', () => {
    const page = parse('empty-page-with-token.xml');
    assert.equal(page.fatal, null);
    assert.equal(page.records.length, 0);
    assert.equal(page.done, false);
    assert.deepEqual(page.resumptionToken, {
      token: '6960524|3001',
      expirationDate: '2024-02-02T12:00:00Z',
      cursor: 2000,
      completeListSize: 4800,
    });
  });

  it('200 OAI response with <error>: badResumptionToken is a failure, not the end', () => {
    const page = parse('error-badResumptionToken.xml');
    assert.equal(page.fatal, null);
    assert.equal(page.oaiError?.code, 'badResumptionToken');
    assert.match(page.oaiError?.message ?? '', /invalid or expired/);
    assert.equal(page.done, false);
    assert.equal(page.records.length, 0);
  });

  it('noRecordsMatch is reported but means "done", not failure', () => {
    const page = parse('error-noRecordsMatch.xml');
    assert.equal(page.oaiError?.code, 'noRecordsMatch');
    assert.equal(page.done, true);
    assert.equal(page.fatal, null);
  });

  it('badArgument is a failure', () => {
    const page = parse('error-badArgument.xml');
    assert.equal(page.oaiError?.code, 'badArgument');
    assert.equal(page.done, false);
  });

  it('generated listing of N records across pages reads back completely, in both formats', () => {
    const all = fakePapers(237, { deletedEvery: 17 });
    for (const format of ['arXiv', 'arXivRaw'] as const) {
      const pages = oaiListing(all, { pageSize: 50, format });
      assert.equal(pages.length, 5);
      const seen: string[] = [];
      pages.forEach((xml, i) => {
        const page = parseOaiListRecords(xml, opts);
        assert.equal(page.fatal, null);
        assert.deepEqual(page.errors, []);
        assert.equal(page.done, i === pages.length - 1);
        for (const r of page.records) seen.push(r.kind === 'paper' ? r.paper.arxivId : `-${r.arxivId}`);
      });
      assert.deepEqual(
        seen,
        all.map((p) => (p.deleted ? `-${p.id}` : p.id)),
      );
    }
    const page = parseOaiListRecords(oaiListRecordsXml(all.slice(1, 2), { format: 'arXivRaw' }), opts);
    const p = papers(page.records)[0];
    assert.equal(p?.title, collapse(all[1]!.title));
    assert.equal(p?.version, 2);
    assert.equal(page.done, true, 'single-page list without token');
  });
});
