import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makePaper } from '../../test/support/papers.ts';
import type { PaperInput } from '../papers/paper.ts';
import { COVERAGE, mergePaper } from './merge.ts';

const v = (version: number, createdAt: string) => ({ version, createdAt, size: null });
const rich: PaperInput = makePaper({
  arxivId: '2401.00001',
  version: 2,
  title: 'Rich title',
  comments: '12 pages',
  submitter: 'Ada Lovelace',
  license: 'cc-by',
  categories: ['cs.LG', 'stat.ML'],
  authors: [
    {
      name: 'Ada Lovelace',
      keyname: 'Lovelace',
      forenames: 'Ada',
      suffix: '',
      affiliation: 'Analytical Society',
    },
  ],
  versions: [v(1, '2024-01-02T00:00:00.000Z'), v(2, '2024-01-10T00:00:00.000Z')],
  submittedAt: '2024-01-02T00:00:00.000Z',
  updatedAt: '2024-01-10T00:00:00.000Z',
});
const listing = (o: Partial<PaperInput>) =>
  makePaper({
    arxivId: '2401.00001',
    title: 'Feed title',
    comments: null,
    submitter: null,
    license: null,
    authors: [{ name: 'Ada Lovelace', keyname: 'Lovelace', forenames: 'Ada', suffix: '', affiliation: null }],
    submittedAt: '2024-02-01T05:00:00.000Z',
    updatedAt: '2024-02-01T05:00:00.000Z',
    ...o,
  });

describe('mergePaper', () => {
  it('an unknown paper is stored as received', () => {
    const p = listing({ version: 1 });
    assert.deepEqual(mergePaper(null, p, COVERAGE.rss)?.title, 'Feed title');
  });

  it('same version from a listing: nothing the store knows is overwritten; nothing new → null', () => {
    const p = listing({ version: 2, categories: ['cs.LG'], versions: [v(2, '2024-02-01T05:00:00.000Z')] });
    assert.equal(mergePaper(rich, p, COVERAGE.rss), null);
  });

  it('same version from a listing: fills empty fields and adds categories (a cross-list)', () => {
    const stored = { ...rich, doi: null };
    const p = listing({
      version: 2,
      doi: '10.1/x',
      categories: ['cs.LG', 'cs.CV'],
      versions: [v(2, '2024-02-01T05:00:00.000Z')],
    });
    const m = mergePaper(stored, p, COVERAGE.rss)!;
    assert.equal(m.doi, '10.1/x');
    assert.equal(m.title, 'Rich title');
    assert.deepEqual(m.categories, ['cs.LG', 'stat.ML', 'cs.CV']);
    assert.deepEqual(m.versions, rich.versions, 'real version dates win over announcement dates');
  });

  it('newer version from a listing: carried fields replace, the rest (v1 date, comments, submitter, affiliations) stays', () => {
    const p = listing({ version: 3, versions: [v(3, '2024-02-01T05:00:00.000Z')] });
    const m = mergePaper(rich, p, COVERAGE.rss)!;
    assert.equal(m.version, 3);
    assert.equal(m.title, 'Feed title');
    assert.equal(m.comments, '12 pages');
    assert.equal(m.submitter, 'Ada Lovelace');
    assert.equal(m.submittedAt, rich.submittedAt);
    assert.equal(m.updatedAt, '2024-02-01T05:00:00.000Z');
    assert.equal(m.authors[0]?.affiliation, 'Analytical Society', 'same names: the richer stored list stays');
    assert.deepEqual(
      m.versions.map((x) => x.version),
      [1, 2, 3],
    );
  });

  it('older version: never rolls back, only fills gaps', () => {
    const p = listing({ version: 1, title: 'Old title', doi: '10.1/y' });
    const m = mergePaper({ ...rich, doi: null }, p, COVERAGE.rss)!;
    assert.equal(m.version, 2);
    assert.equal(m.title, 'Rich title');
    assert.equal(m.doi, '10.1/y');
  });

  it('a full-authority source (API) at the same version replaces what it carries, keeps what it lacks', () => {
    const api = listing({
      version: 2,
      title: 'Corrected title',
      comments: '13 pages',
      categories: ['cs.LG'],
      versions: [v(1, '2024-01-02T00:00:00.000Z'), v(2, '2024-01-10T00:00:00.000Z')],
      submittedAt: '2024-01-02T00:00:00.000Z',
    });
    const m = mergePaper(rich, api, COVERAGE.api)!;
    assert.equal(m.title, 'Corrected title');
    assert.equal(m.comments, '13 pages');
    assert.equal(m.submitter, 'Ada Lovelace');
    assert.equal(m.license, 'cc-by');
    assert.deepEqual(m.categories, ['cs.LG'], 'the API lists every category');
  });

  it('daily-papers (no categories, no version): categories kept, version never lowered', () => {
    const pick = listing({
      version: 1,
      categories: [],
      links: [{ kind: 'code', url: 'https://github.com/a/b', host: 'github.com' }],
    });
    const m = mergePaper(rich, pick, COVERAGE.dailyPapers)!;
    assert.equal(m.version, 2);
    assert.deepEqual(m.categories, rich.categories);
    assert.deepEqual(
      m.links.map((l) => l.url),
      ['https://github.com/a/b'],
    );
    assert.equal(m.title, 'Rich title');
  });
});
