/** Issue 16 item 12: the "new" badge on a card says what it means. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startApp, type TestApp } from '../support/app.ts';
import { makePaper } from '../support/papers.ts';

let t: TestApp;
before(async () => {
  t = await startApp({ config: { pageCacheMs: 0 } });
  await t.store.papers.upsertMany([makePaper({ arxivId: '2403.00001', title: 'Fresh today' })]);
  const day = new Date().toISOString().slice(0, 10);
  await t.store.papers.feature({
    arxivId: '2403.00001',
    day,
    source: 'import',
    submittedBy: null,
    importedUpvotes: 0,
  });
});
after(() => t.close());

test('a paper featured in the last day carries a "new" badge that explains itself', async () => {
  const body = await (await fetch(`${t.url}/`)).text();
  assert.match(body, /<span class="new" title="Featured here in the last 24 hours">new<\/span>/);
});
