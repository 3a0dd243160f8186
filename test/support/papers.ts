/** Test factory for PaperInput records. */
import type { PaperInput } from '../../src/papers/paper.ts';

export function makePaper(overrides: Partial<PaperInput> & { arxivId: string }): PaperInput {
  return {
    version: 1,
    title: `A study of ${overrides.arxivId}`,
    abstract: 'We study things and report results.',
    authors: [{ name: 'Ada Lovelace', keyname: 'Lovelace', forenames: 'Ada', suffix: '', affiliation: null }],
    comments: null,
    journalRef: null,
    doi: null,
    reportNo: null,
    license: null,
    submitter: 'Ada Lovelace',
    categories: ['cs.LG'],
    versions: [{ version: 1, createdAt: '2024-01-02T03:04:05.000Z' }],
    submittedAt: '2024-01-02T03:04:05.000Z',
    updatedAt: '2024-01-02T03:04:05.000Z',
    links: [],
    ...overrides,
  };
}
