/**
 * Issue 16 item 4: BibTeX keeps TeX intact. A `$\ell_1$` title reached readers as
 * `title={On $ ell_1$-regularized…}`; the entry must arrive byte for byte as `bibtex()` writes it,
 * both as the paper page's textarea value (after HTML escaping) and in a collection's .bib download.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { bibtex } from '../../src/web/bibtex.ts';
import { startApp, type TestApp } from '../support/app.ts';
import { makePaper } from '../support/papers.ts';
import { signUpAndLogIn } from '../support/web-client.ts';

let t: TestApp;
const ID = '2402.04321';
const TITLE = 'On $\\ell_1$-regularized \\emph{sparse} trees: $\\mathbb{E}[X] < 2^{\\alpha}$ & "more"';

before(async () => {
  t = await startApp({ config: { pageCacheMs: 0, baseUrl: 'https://club.test' } });
  await t.store.papers.upsertMany([makePaper({ arxivId: ID, title: TITLE })]);
});
after(() => t.close());

/** What a browser gives as the textarea's value: the HTML parser decodes our escapes. */
const ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
};
const decode = (s: string) => s.replace(/&(?:amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e]!);

test('a TeX title round-trips byte for byte into the textarea and the .bib download', async () => {
  const paper = (await t.store.papers.get(ID))!;
  const entry = bibtex(paper);
  assert.ok(
    entry.includes(
      '  title={On $\\ell_1$-regularized \\emph{sparse} trees: $\\mathbb{E}[X] < 2^{\\alpha}$ & "more"},\n',
    ),
    entry,
  );

  const page = await (await fetch(`${t.url}/papers/${ID}`)).text();
  const box = /<textarea id="bibtex"[^>]*>([^<]*)<\/textarea>/.exec(page);
  assert.ok(box, 'the BibTeX box is on the page');
  assert.equal(decode(box[1]!), entry);

  const alice = await signUpAndLogIn(t.url, t.dataDir, 'alice');
  const csrf = await alice.csrf('/');
  assert.equal((await alice.post('/library/save', { csrf, paper: ID, saved: '1', next: '/' })).status, 303);
  const userId = (await t.store.users.byName('alice'))!.id;
  const [saved] = await t.store.library.collections(userId);
  const bib = await (await alice.get(`/library/${saved!.id}.bib`)).text();
  assert.ok(bib.endsWith(`\n\n${entry}\n`), bib);
});
