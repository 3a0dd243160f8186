/** Snapshot-format (arXiv metadata JSON Lines) records for import tests. */
export interface SnapshotRecord {
  id: string;
  submitter: string | null;
  authors: string;
  title: string;
  comments: string | null;
  'journal-ref': string | null;
  doi: string | null;
  'report-no': string | null;
  categories: string;
  license: string | null;
  abstract: string;
  versions: { version: string; created: string }[];
  update_date: string;
  authors_parsed: string[][];
}

export function snapshotRecord(id: string, overrides: Partial<SnapshotRecord> = {}): SnapshotRecord {
  return {
    id,
    submitter: 'Ada Lovelace',
    authors: 'Ada Lovelace and Charles Babbage',
    title: `On the analytical engine, part ${id}`,
    comments: '10 pages; code at https://github.com/ada/engine.',
    'journal-ref': null,
    doi: null,
    'report-no': null,
    categories: 'cs.LG stat.ML',
    license: 'http://creativecommons.org/licenses/by/4.0/',
    abstract: '  We describe an engine that computes\nBernoulli numbers with cards.\n',
    versions: [{ version: 'v1', created: 'Mon, 2 Apr 2007 19:18:42 GMT' }],
    update_date: '2007-04-03',
    authors_parsed: [
      ['Lovelace', 'Ada', ''],
      ['Babbage', 'Charles', ''],
    ],
    ...overrides,
  };
}

export const toJsonl = (records: unknown[]) => `${records.map((r) => JSON.stringify(r)).join('\n')}\n`;
