/**
 * OAI-PMH harvesting against the emulator: paging to the end, incremental runs, expired tokens,
 * deletions, formats, leases. (kill -9 and resume: kill-resume.test.ts.)
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OaiSource } from '../../src/ingest/sources/oai.ts';
import { LeaseBusyError, tryAcquire } from '../../src/jobs/lease.ts';
import { fakePapers } from '../fixtures/upstream/fake-papers.ts';
import { oaiEmulator } from '../support/fixture-server.ts';
import { harness, storedIds } from './harness.ts';

const oai = (url: string, o: Partial<ConstructorParameters<typeof OaiSource>[0]> = {}) =>
  new OaiSource({ baseUrl: `${url}/oai`, ...o });

describe('OAI-PMH harvest', () => {
  it('follows resumptionTokens to the end and stores every record once, versions and all', async () => {
    const papers = fakePapers(250);
    const h = await harness({ '/oai': oaiEmulator({ papers, pageSize: 100 }) });
    try {
      const r = await h.run(oai(h.server.url));
      assert.equal(r.status, 'ok', r.message);
      assert.deepEqual(r.counts, {
        seen: 250,
        inserted: 250,
        updated: 0,
        unchanged: 0,
        rejected: 0,
        withdrawn: 0,
        featured: 0,
      });
      assert.equal(h.server.requests.length, 3);
      assert.deepEqual(
        h.server.requests.map((q) => q.query.resumptionToken ?? q.query.metadataPrefix),
        ['arXivRaw', '1|100', '1|200'],
      );
      const stored = storedIds(h.store);
      assert.deepEqual(
        stored.map((s) => s.arxiv_id),
        papers.map((p) => p.id),
      );
      assert.deepEqual(
        stored.map((s) => s.version),
        papers.map((p) => p.versions.length),
      );
      const p = await h.store.papers.get(papers[2]!.id);
      assert.equal(p?.title, 'Synthetic study 3 of graph transformers at scale');
      assert.equal(p?.versions.length, 3);
      assert.equal(p?.submitter, papers[2]!.submitter);
      const run = await h.store.ingestRuns.get(r.runId!);
      assert.equal(run?.status, 'ok');
      assert.equal(run?.requests, 3);
      assert.match(run?.message ?? '', /3 pages; next harvest from 2024-02-01/);
      assert.equal(
        await h.store.cursors.get('ingest:oai:arXivRaw:*'),
        JSON.stringify({ state: { nextFrom: '2024-02-01' }, counts: null }),
      );
    } finally {
      await h.close();
    }
  });

  it('a second run with nothing new makes one request and adds nothing; later changes are picked up', async () => {
    const papers = fakePapers(120);
    const h = await harness({ '/oai': oaiEmulator({ papers, pageSize: 50 }) });
    try {
      await h.run(oai(h.server.url));
      const before = h.server.requests.length;
      const again = await h.run(oai(h.server.url));
      assert.equal(h.server.requests.length - before, 1, 'one listing request');
      assert.equal(h.server.requests.at(-1)?.query.from, '2024-02-01');
      assert.equal(again.counts.inserted + again.counts.updated, 0);
      assert.equal(again.status, 'ok');

      // A new paper and a new version of an old one, modified on the day of the last harvest.
      const [fresh] = fakePapers(1, { idPrefix: '2402', startDay: '2024-02-01' });
      const bumped = {
        ...papers[0]!,
        versions: [...papers[0]!.versions, { date: 'Thu, 1 Feb 2024 10:00:00 GMT', size: '1kb' }],
        datestamp: '2024-02-01',
      };
      papers.push(fresh!);
      papers[0] = bumped;
      const third = await h.run(oai(h.server.url));
      assert.equal(third.counts.inserted, 1);
      assert.equal(third.counts.updated, 1);
      assert.equal((await h.store.papers.get(papers[0]!.id))?.version, 2);
      assert.equal(await h.store.papers.count(), 121);
    } finally {
      await h.close();
    }
  });

  it('an expired resumptionToken (badResumptionToken) restarts from the last committed datestamp, not from zero', async () => {
    const papers = fakePapers(300, { perDay: 50 }); // six days, two pages of 100 per … days 1-2, 3-4, 5-6
    const emu = oaiEmulator({ papers, pageSize: 100 });
    let n = 0;
    const h = await harness({
      '/oai': (req, url) => {
        if (++n === 2) emu.expireTokens(); // the token of page 1 dies before we use it
        return emu(req, url);
      },
    });
    try {
      const r = await h.run(oai(h.server.url));
      assert.equal(r.status, 'ok', r.message);
      const q = h.server.requests.map((x) => x.query);
      assert.equal(q[1]?.resumptionToken, '1|100');
      assert.deepEqual(q[2], { verb: 'ListRecords', metadataPrefix: 'arXivRaw', from: '2024-01-03' });
      assert.equal(await h.store.papers.count(), 300);
      assert.equal(r.counts.inserted, 300, 'each record inserted once');
      assert.equal(r.counts.unchanged, 50, 'the last committed day is listed again, unchanged');
      assert.ok(
        r.errors.some((e) =>
          /resumptionToken expired or invalid.*restarting the list from 2024-01-03/.test(e.reason),
        ),
      );
      assert.match(r.message, /token expired; restarted from 2024-01-03/);
    } finally {
      await h.close();
    }
  });

  it('a saved token that expired while the harvester was down restarts from the committed date', async () => {
    const papers = fakePapers(200, { perDay: 50 });
    const emu = oaiEmulator({ papers, pageSize: 100 });
    const h = await harness({ '/oai': emu });
    try {
      const controller = new AbortController();
      const first = await h.run(oai(h.server.url), {
        signal: controller.signal,
        onProgress: () => controller.abort(), // stop after page 1 is committed
      });
      assert.equal(first.status, 'interrupted');
      assert.equal(await h.store.papers.count(), 100);
      emu.expireTokens();
      const second = await h.run(oai(h.server.url));
      assert.equal(second.status, 'ok', second.message);
      assert.equal(second.resumed, true);
      assert.equal(second.counts.inserted, 200, 'counts carried over from the interrupted run');
      assert.equal(await h.store.papers.count(), 200);
      assert.equal(h.server.requests.at(-2)?.query.from, '2024-01-03');
    } finally {
      await h.close();
    }
  });

  it('--since drops an unfinished harvest, and its counts, and starts over from that day', async () => {
    const papers = fakePapers(200, { perDay: 50 });
    const h = await harness({ '/oai': oaiEmulator({ papers, pageSize: 100 }) });
    try {
      const controller = new AbortController();
      await h.run(oai(h.server.url), { signal: controller.signal, onProgress: () => controller.abort() });
      const r = await h.run(oai(h.server.url, { since: '2024-01-04' }));
      assert.equal(r.resumed, false);
      assert.equal(h.server.requests.at(-1)?.query.from, '2024-01-04');
      assert.equal(r.counts.seen, 100, 'only what this harvest listed');
      assert.equal(r.counts.inserted, 100);
      assert.match(
        r.errors.map((e) => e.reason).join(),
        /--since 2024-01-04: dropped the unfinished harvest/,
      );
    } finally {
      await h.close();
    }
  });

  it('deleted records mark the paper withdrawn and keep it', async () => {
    const papers = fakePapers(20);
    const h = await harness({ '/oai': oaiEmulator({ papers, pageSize: 100 }) });
    try {
      await h.run(oai(h.server.url));
      papers[3] = { ...papers[3]!, deleted: true, datestamp: '2024-02-01' };
      const r = await h.run(oai(h.server.url));
      assert.equal(r.counts.withdrawn, 1);
      const p = await h.store.papers.get(papers[3]!.id);
      assert.equal(p?.withdrawnAt, '2024-02-01');
      assert.equal(await h.store.papers.count(), 20);
    } finally {
      await h.close();
    }
  });

  it('metadataPrefix=arXiv never rolls a multi-version paper back and adds affiliations to v1 papers', async () => {
    const papers = fakePapers(6);
    const h = await harness({ '/oai': oaiEmulator({ papers, pageSize: 100 }) });
    try {
      await h.run(oai(h.server.url));
      const r = await h.run(oai(h.server.url, { metadataPrefix: 'arXiv', since: '2024-01-01' }));
      assert.equal(h.server.requests.at(-1)?.query.metadataPrefix, 'arXiv');
      const v3 = await h.store.papers.get(papers[2]!.id);
      assert.equal(v3?.version, 3, 'still v3');
      assert.equal(v3?.versions.length, 3);
      assert.equal(v3?.submitter, papers[2]!.submitter);
      const v1 = await h.store.papers.get(papers[0]!.id);
      assert.equal(v1?.authors[0]?.affiliation, 'Example University');
      assert.equal(v1?.submitter, papers[0]!.submitter, 'arXiv format has no submitter: kept');
      assert.equal(r.counts.updated, 2, 'the two v1 papers gained affiliations');
    } finally {
      await h.close();
    }
  });

  it('passes set/from/until; a bounded backfill (--until) does not move the incremental position', async () => {
    const papers = fakePapers(40, { perDay: 10 });
    const h = await harness({ '/oai': oaiEmulator({ papers, pageSize: 100 }) });
    try {
      const r = await h.run(oai(h.server.url, { set: 'cs', since: '2024-01-03', until: '2024-01-04' }));
      assert.deepEqual(h.server.requests[0]?.query, {
        verb: 'ListRecords',
        metadataPrefix: 'arXivRaw',
        from: '2024-01-03',
        until: '2024-01-04',
        set: 'cs',
      });
      assert.equal(
        r.counts.inserted,
        papers.filter(
          (p) =>
            p.datestamp >= '2024-01-03' &&
            p.datestamp <= '2024-01-04' &&
            p.categories.some((c) => c.startsWith('cs.')),
        ).length,
      );
      assert.equal(JSON.parse((await h.store.cursors.get('ingest:oai:arXivRaw:cs'))!).state.nextFrom, null);
    } finally {
      await h.close();
    }
  });

  it('--dry-run parses and counts but writes nothing, not even a run record', async () => {
    const h = await harness({ '/oai': oaiEmulator({ papers: fakePapers(30), pageSize: 10 }) });
    try {
      const r = await h.run(oai(h.server.url), { dryRun: true });
      assert.equal(r.counts.seen, 30);
      assert.equal(r.runId, null);
      assert.match(r.message, /^dry run, nothing written/);
      assert.equal(await h.store.papers.count(), 0);
      assert.equal((await h.store.ingestRuns.recent(5)).length, 0);
      assert.equal(await h.store.cursors.get('ingest:oai:arXivRaw:*'), null);
    } finally {
      await h.close();
    }
  });

  it('a source already being harvested by a live process is refused (database lease)', async () => {
    const h = await harness({ '/oai': oaiEmulator({ papers: fakePapers(5) }) });
    try {
      const other = await tryAcquire(h.store.leases, 'ingest:oai', { holder: 'elsewhere:1:x' });
      assert.ok(other);
      await assert.rejects(
        h.run(oai(h.server.url)),
        (e: Error) => e instanceof LeaseBusyError && /held by elsewhere:1:x/.test(e.message),
      );
      assert.equal(h.server.requests.length, 0);
      await other.release();
      assert.equal((await h.run(oai(h.server.url))).status, 'ok');
    } finally {
      await h.close();
    }
  });
});
