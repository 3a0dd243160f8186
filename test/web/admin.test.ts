/** /admin/ingest: recent runs with counts and first errors; localhost only until accounts exist. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startApp } from '../support/app.ts';

const counts = { seen: 12, inserted: 9, updated: 1, unchanged: 0, rejected: 2, withdrawn: 0, featured: 0 };

test('lists runs with counts and escaped first errors; refuses non-local and proxied requests', async () => {
  const t = await startApp();
  try {
    const id = await t.store.ingestRuns.start({ source: 'oai', params: {}, holder: 'h:1:x', resumed: false });
    await t.store.ingestRuns.finish(id, {
      counts,
      requests: 4,
      errorCount: 2,
      errors: [
        { where: 'page 1, record 2 (2401.00402)', reason: 'invalid UTF-8 in title' },
        { where: 'page 2', reason: '<script>alert(1)</script> in an upstream message' },
      ],
      status: 'partial',
      message: 'finished: 12 seen, 9 inserted',
    });
    const res = await fetch(`${t.url}/admin/ingest`);
    assert.equal(res.status, 200);
    const body = await res.text();
    assert.match(body, /<td>#1<\/td>\s*<td>oai<\/td>\s*<td><strong>partial<\/strong><\/td>/);
    assert.match(body, /<td>12<\/td><td>9<\/td><td>1<\/td><td>0<\/td><td>2<\/td>/);
    assert.match(body, /invalid UTF-8 in title/);
    assert.ok(body.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
    assert.ok(!body.includes('<script>alert'));
    const json = (await (await fetch(`${t.url}/admin/ingest.json`)).json()) as { runs: { id: number }[] };
    assert.equal(json.runs[0]?.id, id);

    const proxied = await fetch(`${t.url}/admin/ingest`, { headers: { 'X-Forwarded-For': '203.0.113.9' } });
    assert.equal(proxied.status, 403);
    const remote = await t.app.inject({ method: 'GET', url: '/admin/ingest', remoteAddress: '203.0.113.5' });
    assert.equal(remote.statusCode, 403);
    assert.match(remote.body, /only on this machine/);
    assert.equal((await fetch(`${t.url}/`)).status, 200, 'other pages are unaffected');
  } finally {
    await t.close();
  }
});
