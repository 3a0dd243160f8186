/**
 * Issue 16 item 3: TeX outside the paper page. HTML views draw maths as MathML (cards, search
 * results, paper page, submit confirmation), `\emph` as <em>, `$$…$$` as display maths,
 * `\mathbb{E}` as 𝔼; plain-text places (the tab title, feed titles and descriptions) read
 * `ℓ₁-regularized`, `O(n log n)`; URLs in abstracts and the "Comments:" line are links.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startApp, type TestApp } from '../support/app.ts';
import { makePaper } from '../support/papers.ts';
import { signUpAndLogIn } from '../support/web-client.ts';

let t: TestApp;
const ID = '2402.01234';
const TITLE = 'On $\\ell_1$-regularized \\emph{sparse} trees in $O(n \\log n)$ time';
const PLAIN = 'On ℓ₁-regularized sparse trees in O(n log n) time';
const ABSTRACT =
  'We bound $\\mathbb{E}[X]$ by $$\\sum_i x_i \\le 1$$ for sparse trees. Code: https://github.com/acme/l1.';

before(async () => {
  t = await startApp({ config: { pageCacheMs: 0 } });
  await t.store.papers.upsertMany([
    makePaper({
      arxivId: ID,
      title: TITLE,
      abstract: ABSTRACT,
      comments: 'ICML 2024; slides at https://acme.test/slides',
    }),
  ]);
  await t.store.papers.feature({
    arxivId: ID,
    day: '2024-02-05',
    source: 'import',
    submittedBy: null,
    importedUpvotes: 1,
  });
});
after(() => t.close());

const text = async (path: string) => (await fetch(`${t.url}${path}`)).text();
/** Raw TeX shown as text (BibTeX's box keeps TeX on purpose, issue 16 item 4). */
const rawTex = (body: string) =>
  /\$\\|\\emph\{|>[^<]*\\ell/.test(body.replace(/<textarea[^>]*>[^<]*<\/textarea>/g, ''));

test('paper page: plain tab title, MathML title, display maths, 𝔼, links in abstract and comments', async () => {
  const body = await text(`/papers/${ID}`);
  assert.ok(body.includes(`<title>${PLAIN} · paperboy</title>`));
  assert.match(body, /<h1>On <math aria-label="\\ell_1">.*<\/math>-regularized <em>sparse<\/em> trees/);
  assert.match(body, /<math aria-label="\\sum_i x_i \\le 1" display="block">/);
  assert.match(body, /<mi>𝔼<\/mi>/);
  assert.doesNotMatch(body, /mathvariant="double-struck"/);
  assert.match(body, /<a href="https:\/\/github.com\/acme\/l1" rel="nofollow ugc noopener">/);
  assert.match(
    body,
    /Comments: ICML 2024; slides at <a href="https:\/\/acme.test\/slides" rel="nofollow ugc noopener">/,
  );
  assert.ok(!rawTex(body));
});

test('cards and search results draw maths and emphasis', async () => {
  for (const path of ['/papers?date=2024-02-05', '/search?q=sparse+trees']) {
    const body = await text(path);
    assert.match(body, /<math aria-label="O\(n \\log n\)">/, path);
    assert.match(body, /<em>(<mark>)?sparse(<\/mark>)?<\/em>/, path);
    assert.ok(!rawTex(body), path);
  }
});

test('feeds: titles and descriptions in the plain-text form', async () => {
  const rss = await text('/papers.rss?date=2024-02-05');
  assert.ok(rss.includes(`<title>${PLAIN}</title>`), rss);
  assert.ok(rss.includes('We bound 𝔼[X] by ∑ᵢ xᵢ ≤ 1 for sparse trees.'), rss);
  const atom = await text('/papers.atom?date=2024-02-05');
  assert.ok(atom.includes(`<title>${PLAIN}</title>`));
  assert.ok(!rawTex(rss) && !rawTex(atom));
});

test('submit confirmation draws the title with maths', async () => {
  const alice = await signUpAndLogIn(t.url, t.dataDir, 'alice');
  const csrf = await alice.csrf('/submit');
  const r = await alice.post('/submit', { csrf, paper: ID });
  const body = await r.text();
  assert.match(body, /<math aria-label="\\ell_1">/, body);
  assert.ok(!rawTex(body));
});
