/**
 * For you through the pages (issue 14 items 2-4), in-process on SQLite without a semantic index:
 * follow and unfollow from author, category and search pages, /following, the ranked list with its
 * reasons, the controls, "less like this" and "hide", the start-out questions, and signed-out
 * readers sent to log in.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startApp, type TestApp } from '../support/app.ts';
import { makePaper } from '../support/papers.ts';
import { signUpAndLogIn, type WebClient } from '../support/web-client.ts';

let t: TestApp;
let alice: WebClient;
const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();
const author = (name: string) => {
  const words = name.split(' ');
  return {
    name,
    keyname: words.at(-1)!,
    forenames: words.slice(0, -1).join(' '),
    suffix: '',
    affiliation: null,
  };
};

before(async () => {
  t = await startApp({ config: { pageCacheMs: 0 } });
  await t.store.papers.upsertMany([
    makePaper({
      arxivId: '2401.00001',
      title: 'Denoising diffusion generative image synthesis',
      abstract: 'Generative image synthesis with denoising diffusion and score matching.',
      categories: ['cs.CV'],
      submittedAt: ago(40),
    }),
    makePaper({
      arxivId: '2401.00011',
      title: 'Faster denoising diffusion sampling for image synthesis',
      abstract: 'A sampler for generative denoising diffusion image synthesis with score matching.',
      categories: ['cs.CV'],
      authors: [author('Zed Smith')],
      submittedAt: ago(1),
    }),
    makePaper({
      arxivId: '2401.00012',
      title: 'Graph networks for molecules',
      abstract: 'Message passing over molecular graphs.',
      categories: ['q-bio.BM'],
      authors: [author('Jürgen Schmidhuber')],
      submittedAt: ago(2),
    }),
    makePaper({
      arxivId: '2401.00013',
      title: 'Diffusion policies for robot control',
      abstract: 'Robots learn policies.',
      categories: ['cs.RO'],
      submittedAt: ago(2),
    }),
    makePaper({
      arxivId: '2401.00014',
      title: 'A survey of diffusion',
      abstract: 'We review everything.',
      categories: ['cs.RO'],
      submittedAt: ago(2),
    }),
    makePaper({
      arxivId: '2401.00015',
      title: 'Protein folding at scale',
      abstract: 'Folding proteins.',
      categories: ['cs.LG'],
      submittedAt: ago(3),
    }),
    makePaper({
      arxivId: '2401.00016',
      title: 'Galaxy rotation curves',
      abstract: 'Dark matter halos.',
      categories: ['astro-ph.GA'],
      submittedAt: ago(1.5),
    }),
  ]);
  alice = await signUpAndLogIn(t.url, t.dataDir, 'alice');
  // Someone else's upvote: the galaxy paper is the window's trending one.
  const bob = await signUpAndLogIn(t.url, t.dataDir, 'bob');
  await bob.submit('/papers/2401.00016', '/papers/2401.00016/vote', { up: '1' });
});
after(() => t.close());

/** The card of a paper on a page, up to the next card. */
function card(page: string, arxivId: string): string | null {
  const at = page.indexOf(`<h2><a href="/papers/${arxivId}"`);
  if (at < 0) return null;
  const end = page.indexOf('<li class="card">', at);
  return page.slice(at, end < 0 ? undefined : end);
}
const order = (page: string) => [...page.matchAll(/<h2><a href="\/papers\/([^"]+)"/g)].map((m) => m[1]);

test('signed-out readers are sent to log in; the header links For you once signed in', async () => {
  const r = await fetch(`${t.url}/for-you`, { redirect: 'manual' });
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), '/login?next=%2Ffor-you');
  assert.equal((await fetch(`${t.url}/following`, { redirect: 'manual' })).status, 303);
  assert.doesNotMatch(await (await fetch(`${t.url}/trending`)).text(), /href="\/for-you"/);
  assert.match(await alice.text('/trending'), /<a href="\/for-you">For you<\/a>/);
});

test('a new account with nothing is asked to start, told so, and shown what is trending', async () => {
  const carol = await signUpAndLogIn(t.url, t.dataDir, 'carol');
  const page = await carol.text('/for-you');
  assert.match(page, /href="\/for-you\/start"/);
  assert.match(page, /no upvotes, picks or follows yet, so this is what is trending/);
  assert.equal(order(page)[0], '2401.00016', 'the upvoted paper leads');
  assert.match(card(page, '2401.00016')!, /Why:<\/strong> 1 upvote\./);
  // Skipping the questions stops the asking.
  assert.equal((await carol.submit('/for-you/start', '/for-you/start', { skip: '1' })).status, 303);
  assert.doesNotMatch(await carol.text('/for-you'), /New here\?/);
});

test('follow from the author, category and search pages; /following lists and unfollows', async () => {
  const authorPage = await alice.text(`/authors/${encodeURIComponent('Jürgen Schmidhuber')}`);
  assert.match(authorPage, /<form class="follow" method="post" action="\/following">/);
  // A spelling variant of the name: the normalized key makes it the same follow.
  const csrf = await alice.csrf('/following');
  let r = await alice.post('/following', {
    csrf,
    kind: 'author',
    value: 'Jurgen  Schmidhuber',
    next: '/following',
  });
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), '/following');
  r = await alice.post('/following', { csrf, kind: 'author', value: 'Jürgen Schmidhuber' });
  assert.equal(r.status, 303);
  assert.match(
    await alice.text(`/authors/${encodeURIComponent('Jürgen Schmidhuber')}`),
    /You follow Jurgen Schmidhuber\.<\/span> <button type="submit">Unfollow/,
  );

  assert.match(
    await alice.text('/categories/cs.LG'),
    /name="kind" value="category"><input type="hidden" name="value" value="cs.LG">/,
  );
  await alice.post('/following', { csrf, kind: 'category', value: 'cs.LG', next: '/categories/cs.LG' });
  assert.match(await alice.text('/categories/cs.LG'), /You follow cs.LG\./);

  const search = await alice.text(`/search?q=${encodeURIComponent('diffusion -survey')}`);
  assert.match(search, /Follow this search<\/button>/);
  await alice.post('/following', { csrf, kind: 'search', value: 'diffusion -survey' });
  await alice.post('/following', { csrf, kind: 'category', value: 'astro-ph.GA' });

  const bad = await alice.post('/following', { csrf, kind: 'search', value: 'diffusion title:' });
  assert.equal(bad.status, 400);
  assert.match(await bad.text(), /search: .*at character/);
  assert.equal((await alice.post('/following', { csrf, kind: 'category', value: 'cs.NOPE!' })).status, 400);

  const list = await alice.text('/following');
  assert.equal(
    (list.match(/>Unfollow</g) ?? []).length,
    4,
    'one author (two spellings), two categories, one search',
  );
  assert.match(list, /<code>diffusion -survey<\/code>/);
  const astro =
    /action="\/following\/(\d+)\/delete"><input type="hidden" name="csrf" value="[^"]+"><input type="hidden" name="next" value="\/following"><button type="submit" class="link" aria-label="Unfollow astro-ph.GA"/.exec(
      list,
    );
  assert.ok(astro);
  assert.equal((await alice.post(`/following/${astro[1]}/delete`, { csrf, next: '/following' })).status, 303);
  assert.doesNotMatch(await alice.text('/following'), /astro-ph\.GA/);
  assert.equal((await alice.post(`/following/${astro[1]}/delete`, { csrf })).status, 404);
});

test('For you ranks with reasons; an upvote changes the model on the next load', async () => {
  let page = await alice.text('/for-you');
  assert.match(page, /Ranked by your follows and what is trending/);
  assert.doesNotMatch(card(page, '2401.00011') ?? '', /similar to/);
  await alice.submit('/papers/2401.00001', '/papers/2401.00001/vote', { up: '1' });

  page = await alice.text('/for-you');
  assert.match(page, /Ranking without the semantic index: keyword and follows only/);
  assert.match(
    card(page, '2401.00011')!,
    /similar to <a href="\/papers\/2401.00001"><em>Denoising diffusion generative image synthesis<\/em><\/a>, which you upvoted/,
  );
  assert.match(
    card(page, '2401.00012')!,
    /by <a href="\/authors\/Jurgen%20Schmidhuber">Jurgen Schmidhuber<\/a>, whom you follow/,
  );
  assert.match(
    card(page, '2401.00013')!,
    /matches your followed search <a href="[^"]+"><code>diffusion -survey<\/code><\/a>/,
  );
  assert.match(card(page, '2401.00015')!, /in <a href="\/categories\/cs.LG">cs.LG<\/a>, which you follow/);
  assert.doesNotMatch(card(page, '2401.00014') ?? '', /followed search/, '-survey excludes it');
  assert.equal(
    card(page, '2401.00001'),
    null,
    'the upvoted paper itself is not offered (and is outside the window)',
  );
  const o = order(page);
  assert.ok(
    o.indexOf('2401.00016') > o.indexOf('2401.00012'),
    'a followed author outranks the most upvoted paper',
  );
  assert.ok(o.indexOf('2401.00014') > o.indexOf('2401.00013'));
});

test('controls are saved per account and applied at once', async () => {
  const csrf = await alice.csrf('/for-you');
  const r = await alice.post('/for-you/settings', { csrf, trending: '4', window: 'month', only: '1' });
  assert.equal(r.status, 303);
  const page = await alice.text('/for-you');
  assert.match(page, /<option value="4" selected>/);
  assert.match(page, /<option value="month" selected>/);
  assert.match(page, /name="only" value="1" checked/);
  assert.deepEqual(order(page), ['2401.00015'], 'only cs.LG, the one followed category');
  assert.equal((await alice.post('/for-you/settings', { csrf, trending: '9' })).status, 400);
  await alice.post('/for-you/settings', { csrf, trending: '1', window: 'week' });
  assert.ok(order(await alice.text('/for-you')).length > 1);
});

test('"less like this" and "hide" remove the item for good (and bad input is refused)', async () => {
  const csrf = await alice.csrf('/for-you');
  let r = await alice.post('/for-you/feedback', {
    csrf,
    paper: '2401.00012',
    kind: 'hide',
    next: '/for-you',
  });
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), '/for-you');
  r = await alice.post('/for-you/feedback', { csrf, paper: '2401.00011', kind: 'less' });
  assert.equal(r.status, 303);
  const page = await alice.text('/for-you');
  assert.equal(card(page, '2401.00012'), null);
  assert.equal(card(page, '2401.00011'), null);
  assert.match(page, /1 marked less like this/);
  assert.equal(
    (await alice.post('/for-you/feedback', { csrf, paper: '2401.00013', kind: 'nope' })).status,
    400,
  );
  assert.equal(
    (await alice.post('/for-you/feedback', { csrf, paper: '2401.99999', kind: 'hide' })).status,
    404,
  );
});

test('start-out: categories followed, pasted ids reported line by line and used as examples', async () => {
  const dan = await signUpAndLogIn(t.url, t.dataDir, 'dan');
  assert.match(await dan.text('/for-you/start'), /Skip for now/);
  const csrf = await dan.csrf('/for-you/start');
  const bad = await dan.post('/for-you/start', { csrf, more: 'not-a-cat!' });
  assert.equal(bad.status, 400);
  const r = await dan.post(
    '/for-you/start',
    new URLSearchParams([
      ['csrf', csrf],
      ['category', 'cs.RO'],
      ['papers', 'https://arxiv.org/abs/2401.00001\n2401.00001\nbanana\n2401.99999'],
    ]) as unknown as Record<string, string>,
  );
  assert.equal(r.status, 200);
  const report = await r.text();
  assert.match(report, /<code>https:\/\/arxiv.org\/abs\/2401.00001<\/code>: added/);
  assert.match(report, /<code>2401.00001<\/code>: already there/);
  assert.match(report, /<code>banana<\/code>: unreadable/);
  assert.match(report, /<code>2401.99999<\/code>: not found/);
  assert.match(await dan.text('/following'), /cs.RO/);
  const page = await dan.text('/for-you');
  assert.doesNotMatch(page, /New here\?/);
  assert.match(card(page, '2401.00011')!, /which you picked when starting out/);
  assert.match(card(page, '2401.00013')!, /in <a href="\/categories\/cs.RO">cs.RO<\/a>, which you follow/);
});
