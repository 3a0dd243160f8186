/**
 * The storage contract: every Store implementation must pass these same tests (sqlite.test.ts,
 * postgres.test.ts). One store per suite; tests share it, so each uses its own arXiv ids and its
 * own made-up search words, and count/latest checks work on deltas or far-future dates.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Store } from '../../src/app/store.ts';
import { loadMigrations } from '../../src/db/migrate.ts';
import { NotFoundError } from '../../src/errors.ts';
import type { LinkKind, Paper, PaperInput } from '../../src/papers/paper.ts';
import { QueryError } from '../../src/search/query/ast.ts';
import { keywordHits, keywordIds } from '../support/keyword.ts';
import { makePaper } from '../support/papers.ts';
import { accountSettingsContract } from './account-settings.contract.ts';
import { forYouContract } from './foryou.contract.ts';
import { ingestContract } from './ingest.contract.ts';
import { libraryContract } from './library.contract.ts';
import { personalContract } from './personal.contract.ts';
import { similarContract } from './similar.contract.ts';
import { siteContract } from './site.contract.ts';

/** What `get` must return for an input, minus the fields the store assigns. */
function expected(p: PaperInput) {
  return {
    ...p,
    versions: p.versions.map((v) => ({ ...v, size: v.size ?? null })),
    primaryCategory: p.categories[0] ?? '',
  };
}
function stored(p: Paper | null) {
  assert.ok(p, 'paper should exist');
  const { id, ingestedAt, demo, withdrawnAt, ...rest } = p;
  assert.equal(withdrawnAt ?? null, null);
  assert.ok(Number.isInteger(id) && id > 0, `id ${id}`);
  assert.match(ingestedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.equal(demo, false);
  return rest;
}

const RICH: PaperInput = makePaper({
  arxivId: '2301.00001',
  version: 3,
  title: 'Round trips of every field',
  abstract: 'An abstract\nwith two lines.',
  authors: [
    { name: 'Zoë Ångström', keyname: 'Ångström', forenames: 'Zoë', suffix: '', affiliation: 'ETH Zürich' },
    { name: 'John Smith Jr', keyname: 'Smith', forenames: 'John', suffix: 'Jr', affiliation: null },
    { name: 'Ada Lovelace', keyname: 'Lovelace', forenames: 'Ada', suffix: '', affiliation: 'Analytical' },
  ],
  comments: '12 pages, 3 figures',
  journalRef: 'J. Stuff 1 (2023) 1-12',
  doi: '10.1000/xyz123',
  reportNo: 'REP-42',
  license: 'http://creativecommons.org/licenses/by/4.0/',
  submitter: 'Zoë Ångström',
  categories: ['cs.CV', 'cs.LG', 'stat.ML'],
  versions: [
    { version: 1, createdAt: '2023-01-01T10:00:00.000Z', size: '1024kb' },
    { version: 2, createdAt: '2023-02-01T10:00:00.000Z' },
    { version: 3, createdAt: '2023-03-01T10:00:00.000Z', size: null },
  ],
  submittedAt: '2023-01-01T10:00:00.000Z',
  updatedAt: '2023-03-01T10:00:00.000Z',
  links: [
    { kind: 'code', url: 'https://github.com/acme/thing', host: 'github.com' },
    { kind: 'project', url: 'https://acme.example/thing?a=1&b=2', host: 'acme.example' },
  ],
});

export function runStoreContract(name: string, open: () => Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    before(async () => {
      store = await open();
    });
    after(async () => {
      await store?.close();
    });

    test('lists every migration as applied', async () => {
      const all = loadMigrations(store.dialect).map((m) => m.version);
      assert.ok(all.length > 0);
      assert.deepEqual(await store.migrations(), all);
    });

    test('insert then get round-trips every field', async () => {
      const plain = makePaper({ arxivId: 'hep-th/9901001', submittedAt: '1999-01-01T00:00:00.000Z' });
      assert.deepEqual(await store.papers.upsertMany([RICH, plain]), ['inserted', 'inserted']);
      assert.deepEqual(stored(await store.papers.get(RICH.arxivId)), expected(RICH));
      assert.deepEqual(stored(await store.papers.get(plain.arxivId)), expected(plain));
      assert.equal(await store.papers.get('2301.99999'), null);
    });

    test('re-upserting an identical record is unchanged', async () => {
      const before = await store.papers.get(RICH.arxivId);
      const n = await store.papers.count();
      assert.deepEqual(await store.papers.upsertMany([{ ...RICH }]), ['unchanged']);
      assert.deepEqual(await store.papers.get(RICH.arxivId), before);
      assert.equal(await store.papers.count(), n);
    });

    test('a newer version updates the record and replaces its children', async () => {
      const v1 = makePaper({
        arxivId: '2302.00001',
        title: 'Gorpish methods',
        authors: RICH.authors,
        links: RICH.links,
        categories: ['cs.LG', 'stat.ML'],
      });
      await store.papers.upsertMany([v1]);
      const id = (await store.papers.get(v1.arxivId))!.id;
      const v2 = makePaper({
        arxivId: v1.arxivId,
        version: 2,
        title: 'Blimpish methods',
        authors: [
          { name: 'Solo Author', keyname: 'Author', forenames: 'Solo', suffix: '', affiliation: null },
        ],
        links: [],
        categories: ['cs.CV'],
        versions: [...v1.versions, { version: 2, createdAt: '2024-02-02T00:00:00.000Z', size: '9kb' }],
        updatedAt: '2024-02-02T00:00:00.000Z',
      });
      assert.deepEqual(await store.papers.upsertMany([v2]), ['updated']);
      const got = await store.papers.get(v1.arxivId);
      assert.equal(got!.id, id, 'the row is updated in place');
      assert.deepEqual(stored(got), expected(v2));
      // The search index follows: old title and category are gone, new ones found.
      const ids = (q: string) => keywordIds(store, q);
      assert.deepEqual(await ids('gorpish'), []);
      assert.deepEqual(await ids('blimpish'), [v1.arxivId]);
      assert.deepEqual(await ids('blimpish cat:cs.lg'), []);
      assert.deepEqual(await ids('blimpish cat:cs.cv'), [v1.arxivId]);
    });

    test('an older version never overwrites a newer one', async () => {
      const v3 = makePaper({ arxivId: '2302.00002', version: 3, title: 'Version three' });
      await store.papers.upsertMany([v3]);
      const old = makePaper({ arxivId: v3.arxivId, version: 2, title: 'Version two', abstract: 'Older.' });
      assert.deepEqual(await store.papers.upsertMany([old]), ['unchanged']);
      assert.deepEqual(stored(await store.papers.get(v3.arxivId)), expected(v3));
    });

    test('the same version with corrected metadata updates', async () => {
      const a = makePaper({ arxivId: '2302.00003', abstract: 'Typo in the abstrct.' });
      await store.papers.upsertMany([a]);
      const fixed = { ...a, abstract: 'Typo in the abstract, fixed.', doi: '10.1/fixed' };
      assert.deepEqual(await store.papers.upsertMany([fixed]), ['updated']);
      assert.deepEqual(stored(await store.papers.get(a.arxivId)), expected(fixed));
    });

    test('one paper twice in a batch applies in order', async () => {
      const v1 = makePaper({ arxivId: '2302.00004', title: 'First' });
      const v2 = makePaper({ arxivId: v1.arxivId, version: 2, title: 'Second' });
      assert.deepEqual(await store.papers.upsertMany([v1, v2, v1]), ['inserted', 'updated', 'unchanged']);
      assert.equal((await store.papers.get(v1.arxivId))!.title, 'Second');
    });

    test('a cursor is saved with the batch, as a value or built from the outcomes', async () => {
      const a = makePaper({ arxivId: '2303.00001' });
      await store.papers.upsertMany([a], { key: 'contract:import', value: 'offset=1' });
      assert.equal(await store.cursors.get('contract:import'), 'offset=1');
      const b = makePaper({ arxivId: '2303.00002' });
      let seen: string[] = [];
      await store.papers.upsertMany([a, b], (outcomes) => {
        seen = outcomes;
        return { key: 'contract:import', value: `done=${outcomes.length}` };
      });
      assert.deepEqual(seen, ['unchanged', 'inserted']);
      assert.equal(await store.cursors.get('contract:import'), 'done=2');
    });

    test('a failing batch saves neither its papers nor its cursor', async () => {
      const existing = makePaper({ arxivId: '2303.00003', title: 'Stays at v1' });
      await store.papers.upsertMany([existing], { key: 'contract:fail', value: 'before' });
      const n = await store.papers.count();
      const good = makePaper({ arxivId: '2303.00004' });
      const newer = makePaper({ arxivId: existing.arxivId, version: 2, title: 'Would be v2' });
      const bad = makePaper({
        arxivId: '2303.00005',
        links: [{ kind: 'ftp' as LinkKind, url: 'ftp://x', host: 'x' }], // violates the kind CHECK
      });
      await assert.rejects(
        store.papers.upsertMany([good, newer, bad], { key: 'contract:fail', value: 'after' }),
      );
      assert.equal(await store.cursors.get('contract:fail'), 'before');
      assert.equal(await store.papers.get(good.arxivId), null);
      assert.equal((await store.papers.get(existing.arxivId))!.title, 'Stays at v1');
      assert.equal(await store.papers.count(), n);
      // The store is still usable after the rollback.
      assert.deepEqual(await store.papers.upsertMany([good]), ['inserted']);
    });

    test('cursors: get, set, overwrite, delete', async () => {
      assert.equal(await store.cursors.get('contract:c'), null);
      await store.cursors.set('contract:c', 'one');
      assert.equal(await store.cursors.get('contract:c'), 'one');
      await store.cursors.set('contract:c', 'two');
      assert.equal(await store.cursors.get('contract:c'), 'two');
      await store.cursors.delete('contract:c');
      assert.equal(await store.cursors.get('contract:c'), null);
      await store.cursors.delete('contract:missing');
    });

    test('latest is newest first by submission date, paged; count counts', async () => {
      const n = await store.papers.count();
      const day = (d: number) => `2090-01-0${d}T00:00:00.000Z`;
      const papers = [1, 3, 2, 5, 4].map((d) => makePaper({ arxivId: `2390.0000${d}`, submittedAt: day(d) }));
      // Same date: the later inserted row comes first.
      papers.push(makePaper({ arxivId: '2390.00006', submittedAt: day(5) }));
      await store.papers.upsertMany(papers);
      assert.equal(await store.papers.count(), n + 6);
      const ids = async (limit: number, offset: number) =>
        (await store.papers.latest(limit, offset)).map((p) => p.arxivId);
      assert.deepEqual(await ids(3, 0), ['2390.00006', '2390.00005', '2390.00004']);
      assert.deepEqual(await ids(3, 3), ['2390.00003', '2390.00002', '2390.00001']);
      const [first] = await store.papers.latest(1, 0);
      assert.deepEqual(stored(first!), expected(papers[5]!));
      assert.equal((await store.papers.latest(5, n + 6)).length, 0);
    });

    describe('keyword search', () => {
      // The search service's keyword path (the one keyword stack), on each dialect.
      const ids = (q: string, limit = 10) => keywordIds(store, q, limit);

      test('title outranks authors outranks abstract; best first, higher score better', async () => {
        await store.papers.upsertMany([
          makePaper({ arxivId: '2304.00001', title: 'Zephyrine flows in pipes' }),
          makePaper({ arxivId: '2304.00002', abstract: 'We meet the zephyrine again.' }),
          makePaper({
            arxivId: '2304.00003',
            authors: [
              {
                name: 'Zephyrine Moe',
                keyname: 'Moe',
                forenames: 'Zephyrine',
                suffix: '',
                affiliation: null,
              },
            ],
          }),
        ]);
        const hits = await keywordHits(store, 'zephyrine');
        assert.deepEqual(
          hits.map((h) => h.arxivId),
          ['2304.00001', '2304.00003', '2304.00002'],
        );
        assert.equal(hits[0]!.title, 'Zephyrine flows in pipes');
        assert.ok(hits[0]!.score > hits[1]!.score && hits[1]!.score > hits[2]!.score);
        assert.deepEqual(await ids('zephyrine', 1), ['2304.00001']);
      });

      test('phrases, prefixes and stemming', async () => {
        await store.papers.upsertMany([
          makePaper({
            arxivId: '2304.00011',
            title: 'Quantum marmoset lattices',
            abstract: 'A gribbly network.',
          }),
          makePaper({
            arxivId: '2304.00012',
            title: 'Marmoset quantum lattices',
            abstract: 'Plinthographic maps.',
          }),
        ]);
        assert.deepEqual(await ids('"quantum marmoset"'), ['2304.00011']);
        assert.equal((await ids('quantum marmoset')).length, 2);
        assert.deepEqual(await ids('plinthogr*'), ['2304.00012']);
        assert.deepEqual(await ids('plinthogr'), []);
        assert.deepEqual(await ids('gribbly networks'), ['2304.00011']);
      });

      test('negation excludes; fields filter', async () => {
        await store.papers.upsertMany([
          makePaper({
            arxivId: '2304.00021',
            title: 'Snorkeling fribble wombats',
            categories: ['cs.CV', 'cs.AI'],
          }),
          makePaper({ arxivId: '2304.00022', title: 'Snorkeling fribble otters', categories: ['cs.LG'] }),
        ]);
        assert.deepEqual(await ids('snorkeling -otters'), ['2304.00021']);
        assert.deepEqual(await ids('fribble cat:cs.cv'), ['2304.00021']);
        assert.deepEqual(await ids('fribble cat:cs.ai'), ['2304.00021']);
        assert.ok((await ids('cat:cs.cv', 100)).includes('2304.00021'));
        assert.deepEqual(await ids('title:wombats'), ['2304.00021']);
        assert.deepEqual(await ids('fribble title:cscv'), []);
      });
    });

    test('feature inserts once, then exists; featuredOn lists the day', async () => {
      const p = makePaper({ arxivId: '2305.00001' });
      const q = makePaper({ arxivId: '2305.00002' });
      await store.papers.upsertMany([p, q]);
      const input = { day: '2024-05-01', source: 'import', submittedBy: null, importedUpvotes: 7 } as const;
      assert.equal(await store.papers.feature({ ...input, arxivId: p.arxivId }), 'inserted');
      assert.equal(await store.papers.feature({ ...input, arxivId: p.arxivId }), 'exists');
      assert.equal(
        await store.papers.feature({ ...input, arxivId: q.arxivId, source: 'submission', submittedBy: 'u1' }),
        'inserted',
      );
      assert.equal(
        await store.papers.feature({ ...input, day: '2024-05-02', arxivId: p.arxivId }),
        'inserted',
      );
      await assert.rejects(store.papers.feature({ ...input, arxivId: '2305.99999' }), NotFoundError);

      const list = await store.papers.featuredOn('2024-05-01');
      const pid = (await store.papers.get(p.arxivId))!.id;
      const qid = (await store.papers.get(q.arxivId))!.id;
      assert.deepEqual(
        list.map(({ createdAt, ...rest }) => {
          assert.match(createdAt, /^\d{4}-\d\d-\d\dT/);
          return rest;
        }),
        [
          { ...input, arxivId: p.arxivId, paperId: pid },
          { ...input, arxivId: q.arxivId, paperId: qid, source: 'submission', submittedBy: 'u1' },
        ],
      );
      assert.equal((await store.papers.featuredOn('2024-05-02')).length, 1);
      assert.deepEqual(await store.papers.featuredOn('2024-05-03'), []);
    });

    test('hostile and unicode text round-trips byte-exact', async () => {
      const nasty = `<script>alert("x")</script> it's \\ a \\\\ back'slash "quoted" ''); DROP TABLE papers;-- $1 %s ?
        tab\there ünïcödé Ångström 🚀 𝔘 ∑ 中文 עברית e\u0301 \u200b zero-width`;
      const p = makePaper({
        arxivId: '2306.00001',
        title: `Quixotic ${nasty}`,
        abstract: nasty,
        comments: nasty,
        authors: [
          { name: `O'Brien "Q" \\`, keyname: "O'Brien", forenames: 'Q', suffix: '', affiliation: nasty },
        ],
        categories: ['cs.CR'],
        links: [{ kind: 'code', url: 'https://x.example/?q="a"&b=\'c\'', host: 'x.example' }],
      });
      await store.papers.upsertMany([p]);
      const got = await store.papers.get(p.arxivId);
      assert.deepEqual(stored(got), expected(p));
      assert.ok(Buffer.from(got!.title).equals(Buffer.from(p.title)), 'title bytes');
      assert.deepEqual(await store.papers.upsertMany([p]), ['unchanged']);
      assert.deepEqual(
        (await keywordHits(store, 'quixotic script', 5)).map((h) => h.title),
        [p.title],
      );
      // Query syntax characters in the user's text are text, never syntax.
      for (const text of ["it's", 'a\\b', "'); DROP TABLE papers;--", '&|!():*<->', '"', "'"]) {
        for (const kind of ['word', 'prefix', 'phrase'] as const) {
          const q = kind === 'phrase' ? `"${text}"` : kind === 'prefix' ? `${text}*` : text;
          await keywordHits(store, q, 5).catch((e: unknown) => {
            if (!(e instanceof QueryError)) throw e; // refused as a query is fine; reaching SQL is not
          });
        }
      }
      assert.ok((await store.papers.count()) > 0);
    });

    ingestContract(() => store);
    siteContract(() => store);
    similarContract(() => store);
    forYouContract(() => store);
    libraryContract(() => store);
    personalContract(() => store);
    accountSettingsContract(() => store);
  });
}
