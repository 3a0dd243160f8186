/**
 * The ingestion half of the storage contract (prepared upserts, ingest batches, run records,
 * leases). Called from runStoreContract with the suite's store; ids and names are its own.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Store } from '../../src/app/store.ts';
import type { IngestCounts } from '../../src/ingest/repository.ts';
import type { LinkKind } from '../../src/papers/paper.ts';
import { preparePaper } from '../../src/papers/prepared.ts';
import { keywordIds } from '../support/keyword.ts';
import { makePaper } from '../support/papers.ts';

const counts = (n: number): IngestCounts => ({
  seen: n,
  inserted: n + 1,
  updated: n + 2,
  unchanged: n + 3,
  rejected: n + 4,
  withdrawn: n + 5,
  featured: n + 6,
});

export function ingestContract(store: () => Store): void {
  describe('ingestion', () => {
    test('upsertPrepared follows the same version rules as upsertMany', async () => {
      const s = store();
      const v1 = makePaper({ arxivId: '2310.00001', title: 'Prepared once' });
      const v2 = makePaper({ arxivId: v1.arxivId, version: 2, title: 'Prepared twice' });
      let seen: string[] = [];
      const out = await s.papers.upsertPrepared([v1, v2, v1].map(preparePaper), (o) => {
        seen = o;
        return { key: 'contract:prepared', value: 'x' };
      });
      assert.deepEqual(out, ['inserted', 'updated', 'unchanged']);
      assert.deepEqual(seen, out);
      assert.equal(await s.cursors.get('contract:prepared'), 'x');
      assert.equal((await s.papers.get(v1.arxivId))!.title, 'Prepared twice');
      assert.deepEqual(await s.papers.upsertMany([v2]), ['unchanged'], 'same hash either way');
    });

    test('a bulk load with deferred index merging searches like plain upserts, before and after finishing', async () => {
      const s = store();
      const search = async (text: string) => keywordIds(s, text, 20);
      const ids = Array.from({ length: 12 }, (_, i) => `2402.${String(i + 1).padStart(5, '0')}`);
      const paper = (id: string, i: number, version = 1) =>
        makePaper({
          arxivId: id,
          version,
          title:
            version > 1 ? `Zeugmatic revision ${i}` : `Quokkalike transport ${'quokkalike '.repeat(i % 4)}`,
        });
      // Six transactions, so finishBulkLoad has more than automerge's four segments to merge; the
      // last one updates a paper from the first, which must leave its old terms behind.
      for (let b = 0; b < 6; b++) {
        const batch = ids.slice(2 * b, 2 * b + 2).map((id) => paper(id, ids.indexOf(id)));
        if (b === 5) batch.push(paper(ids[0]!, 0, 2));
        await s.papers.upsertPrepared(batch.map(preparePaper), undefined, { deferMerge: true });
      }
      const expected = ids.slice(1);
      assert.deepEqual((await search('quokkalike')).sort(), expected);
      assert.deepEqual(await search('zeugmatic'), [ids[0]]);
      const ranked = await search('quokkalike');
      const steps: number[] = [];
      await s.papers.finishBulkLoad(6, (n) => steps.push(n));
      assert.deepEqual(await search('quokkalike'), ranked, 'same ranking once merged');
      assert.deepEqual(await search('zeugmatic'), [ids[0]]);
      // A second call finds nothing left (a resumed import calls it again).
      await s.papers.finishBulkLoad(6);
      assert.deepEqual(await search('quokkalike'), ranked);
      if (s.dialect === 'sqlite') assert.ok(steps.length >= 2, `merged in steps: ${steps.join(',')}`);
    });

    test('a failed bulk transaction rolls back its rows with it', async () => {
      const s = store();
      const p = makePaper({ arxivId: '2402.09999', title: 'Rolled back wombatish' });
      await assert.rejects(
        s.papers.upsertPrepared(
          [preparePaper(p)],
          () => {
            throw new Error('cursor failed');
          },
          { deferMerge: true },
        ),
        /cursor failed/,
      );
      assert.equal(await s.papers.get(p.arxivId), null);
      assert.deepEqual(await s.papers.upsertPrepared([preparePaper(p)]), ['inserted']);
      assert.deepEqual(await keywordIds(s, 'wombatish', 5), [p.arxivId]);
    });

    test('ingestBatch applies papers, withdrawals, featurings and the cursor together', async () => {
      const s = store();
      const a = makePaper({ arxivId: '2311.00001' });
      const b = makePaper({ arxivId: '2311.00002' });
      const day = '2024-06-01';
      let cursorSaw: unknown = null;
      const r = await s.papers.ingestBatch(
        {
          papers: [a, b],
          withdrawn: [
            { arxivId: b.arxivId, day: '2024-06-02' },
            { arxivId: b.arxivId, day: '2024-06-03' },
            { arxivId: '2311.99999', day },
          ],
          featured: [
            { arxivId: a.arxivId, day, source: 'import', submittedBy: null, importedUpvotes: 3 },
            { arxivId: a.arxivId, day, source: 'import', submittedBy: null, importedUpvotes: 9 },
            { arxivId: a.arxivId, day, source: 'import', submittedBy: null, importedUpvotes: 5 },
            { arxivId: '2311.99999', day, source: 'import', submittedBy: null, importedUpvotes: 1 },
          ],
        },
        (result) => {
          cursorSaw = structuredClone(result);
          return { key: 'contract:ingest', value: 'page=1' };
        },
      );
      const expected = { outcomes: ['inserted', 'inserted'], withdrawn: 1, featured: 1 };
      assert.deepEqual(r, expected);
      assert.deepEqual(cursorSaw, expected);
      assert.equal(await s.cursors.get('contract:ingest'), 'page=1');
      assert.equal((await s.papers.get(b.arxivId))!.withdrawnAt, '2024-06-02');
      assert.equal((await s.papers.get(a.arxivId))!.withdrawnAt ?? null, null);
      const [f] = await s.papers.featuredOn(day);
      assert.equal(f!.importedUpvotes, 9, 'imported upvotes only grow');

      // Replaying the page changes nothing; a submission never lowers or replaces upvotes.
      const again = await s.papers.ingestBatch({
        papers: [a],
        withdrawn: [{ arxivId: b.arxivId, day: '2024-06-09' }],
        featured: [{ arxivId: a.arxivId, day, source: 'submission', submittedBy: 'u', importedUpvotes: 50 }],
      });
      assert.deepEqual(again, { outcomes: ['unchanged'], withdrawn: 0, featured: 0 });
      assert.equal((await s.papers.get(b.arxivId))!.withdrawnAt, '2024-06-02');
      assert.deepEqual(
        (await s.papers.featuredOn(day)).map((x) => [x.source, x.importedUpvotes]),
        [['import', 9]],
      );
    });

    test('ingestBatch takes prepared papers after plain ones, outcomes in that order', async () => {
      const s = store();
      const plain = makePaper({ arxivId: '2311.00011' });
      const flat = makePaper({ arxivId: '2311.00012', title: 'Flattened by a parse worker' });
      const r = await s.papers.ingestBatch({
        papers: [plain],
        prepared: [preparePaper(flat), preparePaper(plain)],
      });
      assert.deepEqual(r.outcomes, ['inserted', 'inserted', 'unchanged']);
      assert.equal((await s.papers.get(flat.arxivId))!.title, 'Flattened by a parse worker');
    });

    test('a failing ingestBatch leaves no trace', async () => {
      const s = store();
      const ok = makePaper({ arxivId: '2312.00001' });
      await s.papers.upsertMany([ok]);
      await assert.rejects(
        s.papers.ingestBatch(
          {
            papers: [
              makePaper({ arxivId: '2312.00002', links: [{ kind: 'bad' as LinkKind, url: 'u', host: 'h' }] }),
            ],
            withdrawn: [{ arxivId: ok.arxivId, day: '2024-07-01' }],
            featured: [
              {
                arxivId: ok.arxivId,
                day: '2024-07-01',
                source: 'rule',
                submittedBy: null,
                importedUpvotes: 0,
              },
            ],
          },
          { key: 'contract:ingest-fail', value: 'after' },
        ),
      );
      assert.equal(await s.papers.get('2312.00002'), null);
      assert.equal((await s.papers.get(ok.arxivId))!.withdrawnAt ?? null, null);
      assert.deepEqual(await s.papers.featuredOn('2024-07-01'), []);
      assert.equal(await s.cursors.get('contract:ingest-fail'), null);
    });

    test('ingest runs: start, progress, finish, interrupt, list', async () => {
      const s = store();
      const params = { since: '2024-01-01', categories: ['cs.LG'], note: 'ünï "q"' };
      const id = await s.ingestRuns.start({ source: 'contract-src', params, holder: 'h:1:a', resumed: true });
      let run = await s.ingestRuns.get(id);
      assert.ok(run);
      assert.equal(run.status, 'running');
      assert.deepEqual(run.params, params);
      assert.equal(run.resumed, true);
      assert.equal(run.holder, 'h:1:a');
      assert.equal(run.finishedAt, null);
      assert.deepEqual(run.counts, {
        seen: 0,
        inserted: 0,
        updated: 0,
        unchanged: 0,
        rejected: 0,
        withdrawn: 0,
        featured: 0,
      });

      const errors = [{ where: 'page 2', reason: 'bad <xml>' }];
      await s.ingestRuns.progress(id, { counts: counts(10), requests: 4, errorCount: 7, errors });
      run = await s.ingestRuns.get(id);
      assert.deepEqual(
        [run!.counts, run!.requests, run!.errorCount, run!.errors],
        [counts(10), 4, 7, errors],
      );

      await s.ingestRuns.finish(id, {
        counts: counts(20),
        requests: 5,
        errorCount: 8,
        errors,
        status: 'partial',
        message: 'm',
      });
      await s.ingestRuns.progress(id, { counts: counts(99), requests: 99, errorCount: 0, errors: [] });
      run = await s.ingestRuns.get(id);
      assert.equal(run!.status, 'partial');
      assert.equal(run!.message, 'm');
      assert.match(run!.finishedAt!, /^\d{4}-\d\d-\d\dT/);
      assert.deepEqual(run!.counts, counts(20), 'progress after finish is ignored');

      const live = await s.ingestRuns.start({
        source: 'contract-src',
        params: {},
        holder: 'h:2:b',
        resumed: false,
      });
      const other = await s.ingestRuns.start({
        source: 'contract-other',
        params: {},
        holder: 'h:2:b',
        resumed: false,
      });
      assert.deepEqual(await s.ingestRuns.interruptStale('contract-src', 'died'), [live]);
      assert.equal((await s.ingestRuns.get(live))!.status, 'interrupted');
      assert.equal((await s.ingestRuns.get(other))!.status, 'running');
      assert.deepEqual(
        (await s.ingestRuns.recent(3)).map((r) => r.id),
        [other, live, id],
      );
      assert.equal(await s.ingestRuns.get(id + 1000), null);
    });

    test('leases: acquire, expire, renew, release, slots, dead holders', async () => {
      const l = store().leases;
      const t = 1_700_000_000_000;
      assert.equal(await l.acquire('contract:job', 'a', t, 1000), true);
      assert.deepEqual(await l.get('contract:job'), {
        name: 'contract:job',
        holder: 'a',
        leaseUntil: t + 1000,
        lastSlot: null,
      });
      assert.equal(await l.acquire('contract:job', 'b', t + 500, 1000), false, 'held');
      assert.equal(await l.acquire('contract:job', 'a', t + 500, 1000), true, 'ours again');
      assert.equal(await l.renew('contract:job', 'b', t + 600, 1000), false);
      assert.equal(await l.renew('contract:job', 'a', t + 600, 1000), true);
      assert.equal((await l.get('contract:job'))!.leaseUntil, t + 1600);
      assert.equal(await l.acquire('contract:job', 'b', t + 1600, 1000), true, 'expired');
      assert.equal(
        await l.acquire('contract:job', 'c', t + 1700, 1000, { replaceHolder: 'b' }),
        true,
        'dead holder',
      );

      await l.release('contract:job', 'someone-else', '2024-01-01T00:00:00.000Z');
      assert.equal((await l.get('contract:job'))!.holder, 'c', 'only the holder releases');
      await l.release('contract:job', 'c', '2024-01-01T00:00:00.000Z');
      assert.deepEqual(await l.get('contract:job'), {
        name: 'contract:job',
        holder: null,
        leaseUntil: 0,
        lastSlot: '2024-01-01T00:00:00.000Z',
      });
      const slot = (s: string) => ({ slot: s });
      assert.equal(
        await l.acquire('contract:job', 'd', t, 1000, slot('2024-01-01T00:00:00.000Z')),
        false,
        'slot done',
      );
      assert.equal(await l.acquire('contract:job', 'd', t, 1000, slot('2024-01-02T00:00:00.000Z')), true);
      assert.equal(await l.get('contract:missing'), null);
    });
  });
}
