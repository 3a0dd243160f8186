/**
 * Issue 3, "Bad and hostile input": one test per case, each naming its fixture, run through the
 * real runner and OAI source against the fixture server. Each must end with a clear message in the
 * run record and, where the rest of the data is good, the rest imported.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HttpClientOptions } from '../../src/ingest/http.ts';
import { OaiSource } from '../../src/ingest/sources/oai.ts';
import { fakePapers } from '../fixtures/upstream/fake-papers.ts';
import { FIXTURE_NOW, loadFixture } from '../fixtures/upstream/load.ts';
import { oaiListRecordsXml } from '../fixtures/upstream/oai/generate.ts';
import type { Route } from '../support/fixture-server.ts';
import { harness, storedIds } from './harness.ts';

const XML = { 'content-type': 'text/xml; charset=utf-8' };
const fixture = (name: string): Route => ({ headers: XML, body: loadFixture(`oai/${name}`) });
const good = (n = 3, prefix = '2402') => oaiListRecordsXml(fakePapers(n, { idPrefix: prefix }));

/** Harvests `route` as the OAI endpoint; returns the run record as stored and the stored ids. */
async function harvest(route: Route, http: Partial<HttpClientOptions> = {}) {
  const h = await harness({ '/oai': route }, http);
  try {
    const summary = await h.run(new OaiSource({ baseUrl: `${h.server.url}/oai`, parseNow: FIXTURE_NOW }));
    const run = (await h.store.ingestRuns.get(summary.runId!))!;
    const reasons = run.errors.map((e) => `${e.where}: ${e.reason}`).join('\n');
    const texts = h.store.db.prepare('SELECT title, abstract FROM papers ORDER BY arxiv_id').all() as {
      title: string;
      abstract: string;
    }[];
    return {
      run,
      summary,
      reasons,
      texts,
      ids: storedIds(h.store).map((s) => s.arxiv_id),
      requests: [...h.server.requests],
    };
  } finally {
    await h.close();
  }
}

describe('hostile upstream input, through the harvester', () => {
  it('truncated XML (oai/hostile/truncated.xml): complete records kept, page refetched once, run fails clearly', async () => {
    const { run, ids, requests, reasons } = await harvest(fixture('hostile/truncated.xml'));
    assert.deepEqual(ids, ['2401.00801', '2401.00802']);
    assert.equal(requests.length, 2, 'fetched again once before giving up');
    assert.equal(run.status, 'failed');
    assert.match(
      run.message!,
      /^stopped: page 1: not a usable OAI-PMH document \(unclosed tag: author at line 36:67\), twice in a row/,
    );
    assert.match(run.message!, /the next run resumes from the last committed page/);
    assert.match(reasons, /kept 2 complete records before the break/);

    // A transient truncation (a flaky proxy) is healed by the refetch.
    const healed = await harvest({ sequence: [fixture('hostile/truncated.xml'), good(3)] });
    assert.equal(healed.run.status, 'ok', healed.run.message!);
    assert.equal(healed.ids.length, 3);
  });

  it('DOCTYPE with entity declarations (oai/hostile/billion-laughs.xml, xxe-file.xml, xxe-http.xml): refused, nothing expanded or fetched', async () => {
    for (const name of ['billion-laughs.xml', 'xxe-file.xml', 'xxe-http.xml']) {
      const t0 = performance.now();
      const { run, ids, requests } = await harvest(fixture(`hostile/${name}`));
      assert.ok(performance.now() - t0 < 3000, `${name}: bounded time`);
      assert.equal(run.status, 'failed', name);
      assert.match(run.message!, /DOCTYPE is not allowed/, name);
      assert.doesNotMatch(JSON.stringify(run), /lollol|root:x:0/, name);
      assert.deepEqual(ids, [], name);
      assert.ok(
        requests.every((r) => r.path === '/oai'),
        `${name}: only our own requests reached the server`,
      );
    }
  });

  it('invalid UTF-8 (oai/hostile/invalid-utf8.xml): the bad record is rejected with a reason, the rest imported', async () => {
    const { run, ids, reasons } = await harvest(fixture('hostile/invalid-utf8.xml'));
    assert.deepEqual(ids, ['2401.00401', '2401.00403']);
    assert.equal(run.status, 'partial');
    assert.equal(run.counts.rejected, 1);
    assert.match(reasons, /page 1, record 2 \(2401\.00402\).*: invalid UTF-8 in title/);
    assert.match(run.message!, /^finished: 3 seen, 2 inserted, 0 updated, 0 unchanged, 1 rejected/);
  });

  it('an entry missing its id (oai/hostile/missing-id.xml): rejected and located, neighbours imported', async () => {
    const { run, ids, reasons } = await harvest(fixture('hostile/missing-id.xml'));
    assert.deepEqual(ids, ['2401.00501', '2401.00502']);
    assert.equal(run.status, 'partial');
    assert.equal(run.counts.seen, 5);
    assert.equal(run.counts.rejected, 3);
    assert.match(reasons, /record 2 at line \d+: missing arXiv id/);
    assert.match(reasons, /record 3 at line \d+: missing identifier/);
  });

  it('dates in the future (oai/hostile/bad-dates.xml): those records rejected, the good one imported', async () => {
    const { run, ids, reasons } = await harvest(fixture('hostile/bad-dates.xml'));
    assert.deepEqual(ids, ['2401.00605']);
    assert.equal(run.status, 'partial');
    assert.match(reasons, /submission date in the future/);
    assert.match(reasons, /datestamp date in the future/);
    assert.equal(run.counts.seen, run.counts.inserted + run.counts.rejected);
  });

  it('a 5 MB title (generated oaiListRecordsXml page): that record rejected, the page imported, fast', async () => {
    const [a, b, c] = fakePapers(3);
    const page = oaiListRecordsXml([a!, { ...b!, title: 'x'.repeat(5 * 1024 * 1024) }, c!]);
    const t0 = performance.now();
    const { run, ids, reasons } = await harvest({ headers: XML, body: page });
    assert.ok(performance.now() - t0 < 5000);
    assert.deepEqual(ids, [a!.id, c!.id]);
    assert.equal(run.status, 'partial');
    assert.match(reasons, /title longer than 2000 chars/);
    assert.ok(JSON.stringify(run).length < 20_000, 'the run record does not carry the title');
  });

  it('HTML and <script> in titles and abstracts (oai/hostile/html-in-fields.xml): stored as plain text', async () => {
    const { run, ids, texts } = await harvest(fixture('hostile/html-in-fields.xml'));
    assert.equal(run.status, 'ok', run.message!);
    assert.equal(ids.length, 3);
    assert.ok(!ids.includes('9999.99999'), 'a nested <entry> is not a record');
    assert.equal(texts[0]?.title, 'Script <script>alert(1)</script> in the title');
    assert.equal(texts[0]?.abstract, 'An abstract with <img src=x onerror=alert(1)> and &amp; and $x < y$.');
    assert.equal(texts[1]?.abstract, '<p>Paragraph</p><script>steal()</script>');
    // (Rendering them as text is checked by the page tests and, for run records, admin.test.ts.)
  });

  it('duplicate entries in one page (oai/hostile/duplicates.xml): stored once, the drop reported', async () => {
    const { run, ids, reasons } = await harvest(fixture('hostile/duplicates.xml'));
    assert.deepEqual(ids, ['2401.00401', '2401.00402']);
    assert.equal(run.counts.inserted, 2);
    assert.match(reasons, /duplicate of 2401\.00401/);
    assert.equal(run.status, 'partial');
  });

  it('an empty page with a resumption token (oai/empty-page-with-token.xml): followed to the records after it', async () => {
    const { run, ids, requests, reasons } = await harvest({
      sequence: [fixture('empty-page-with-token.xml'), good(4)],
    });
    assert.equal(run.status, 'ok', run.message!);
    assert.equal(ids.length, 4);
    assert.equal(requests[1]?.query.resumptionToken, '6960524|3001');
    assert.match(reasons, /empty page with a resumptionToken; following it/);

    // A server that only ever sends empty pages with fresh tokens is a loop, stopped with a message.
    let n = 0;
    const loop = await harvest(() => ({
      headers: XML,
      body: loadFixture('oai/empty-page-with-token.xml').toString().replace('6960524|3001', `loop-${n++}`),
    }));
    assert.equal(loop.run.status, 'failed');
    assert.match(loop.run.message!, /empty pages in a row, each with a resumptionToken; giving up/);
  });

  it('a 200 response carrying an OAI-PMH <error> (oai/error-badArgument.xml): the run fails naming the code', async () => {
    const { run, ids } = await harvest(fixture('error-badArgument.xml'));
    assert.equal(run.status, 'failed');
    assert.match(run.message!, /OAI-PMH error badArgument: Illegal argument: from=2024-13-45/);
    assert.deepEqual(ids, []);
  });

  it('503 with Retry-After: 2 (scripted): waited 2 s, then imported', async () => {
    const { run, ids, requests, reasons } = await harvest({
      sequence: [{ status: 503, headers: { 'Retry-After': '2' }, body: 'maintenance' }, good(3)],
    });
    assert.equal(run.status, 'ok', run.message!);
    assert.equal(ids.length, 3);
    assert.ok(requests[1]!.at - requests[0]!.at >= 2000);
    assert.match(reasons, /HTTP 503 \(Retry-After 2 s\); retrying in 2 s/);
  });

  it('429 (scripted, no Retry-After): backed off, then imported; a 429 that never ends fails clearly', async () => {
    const ok = await harvest(
      { sequence: [{ status: 429, body: 'too many' }, good(3)] },
      { rateLimitBackoffMs: 300 },
    );
    assert.equal(ok.run.status, 'ok', ok.run.message!);
    assert.ok(
      ok.requests[1]!.at - ok.requests[0]!.at >= 300,
      'rate-limit backoff, longer than the normal one',
    );
    assert.match(ok.reasons, /HTTP 429; retrying in 0\.3 s/);

    const down = await harvest({ status: 429, body: 'too many' }, { rateLimitBackoffMs: 50, maxRetries: 2 });
    assert.equal(down.run.status, 'failed');
    assert.match(down.run.message!, /stopped: 127\.0\.0\.1:\d+\/oai: HTTP 429 after 3 attempts/);
  });

  it('a server that hangs (scripted { hang: true }): timeout, retried, then a clear failure', async () => {
    const healed = await harvest({ sequence: [{ hang: true }, good(2)] }, { timeoutMs: 300 });
    assert.equal(healed.run.status, 'ok', healed.run.message!);
    assert.match(healed.reasons, /no answer within 300 ms \(timeout\); retrying/);

    const t0 = performance.now();
    const dead = await harvest({ hang: true }, { timeoutMs: 300, maxRetries: 1 });
    assert.ok(performance.now() - t0 < 3000);
    assert.equal(dead.run.status, 'failed');
    assert.match(dead.run.message!, /no answer within 300 ms \(timeout\) after 2 attempts/);
  });

  it('a connection reset mid-body (scripted { resetMidBody }): retried; persistent resets fail clearly', async () => {
    const healed = await harvest({ sequence: [{ resetMidBody: good(5), headers: XML }, good(5)] });
    assert.equal(healed.run.status, 'ok', healed.run.message!);
    assert.equal(healed.ids.length, 5);
    assert.match(healed.reasons, /connection reset mid-response; retrying/);

    const dead = await harvest({ resetMidBody: good(5), headers: XML }, { maxRetries: 1 });
    assert.equal(dead.run.status, 'failed');
    assert.match(dead.run.message!, /connection reset mid-response after 2 attempts/);
    assert.deepEqual(dead.ids, [], 'half a body is never parsed into records');
  });
});
