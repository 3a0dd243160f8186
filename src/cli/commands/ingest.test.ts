import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError } from '../usage.ts';
import { sourceRequest } from './ingest.ts';

const base = { json: false, dryRun: false };

test('ingest flags: each source takes only its own flags, dates and categories are checked', () => {
  assert.throws(() => sourceRequest('rss', { ...base, set: 'cs' }), /ingest rss does not take --set/);
  assert.throws(() => sourceRequest('daily-papers', { ...base, ids: '2401.00001' }), UsageError);
  assert.throws(() => sourceRequest('oai', { ...base, since: '2024-02-30' }), /not a date/);
  assert.throws(
    () => sourceRequest('rss', { ...base, categories: 'cs.LG;rm' }),
    /--categories takes arXiv categories/,
  );
  assert.throws(
    () => sourceRequest('oai', { ...base, format: 'oai_dc' }),
    /--format is arXivRaw \(default\) or arXiv/,
  );
  assert.throws(() => sourceRequest('arxiv-api', base), /needs --ids, --categories or --query/);
  assert.deepEqual(sourceRequest('arxiv-api', { ...base, ids: '2401.00001, 2401.00002' }).ids, [
    '2401.00001',
    '2401.00002',
  ]);
  assert.equal(sourceRequest('oai', { ...base, since: '2024-02-01', set: 'cs' }).set, 'cs');
});
