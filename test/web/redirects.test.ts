/**
 * Issue 12, item 2: no redirect leaves the site. Every `next` (GET and POST /login, the vote and
 * comment-edit forms) goes through localPath, which must hold after URL normalisation: the WHATWG
 * parser turns `/..//evil.example/x` into `//evil.example/x`, a protocol-relative URL.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { localPath } from '../../src/web/auth.ts';
import { startApp, type TestApp } from '../support/app.ts';
import { makePaper } from '../support/papers.ts';
import { signUpAndLogIn, WebClient } from '../support/web-client.ts';

/** Known open-redirect shapes; each must come out as a path on this site (or the fallback). */
const BYPASSES = [
  '/..//evil.example/x',
  '/.//evil.example',
  '/%2e%2e//evil.example',
  '/%2E%2E//evil.example/x?y#z',
  '/a/../..//evil.example',
  '/./%2e/..//evil.example',
  '/%2e//evil.example',
  '//evil.example',
  '///evil.example',
  '////evil.example',
  '/\\evil.example',
  '/\\/evil.example',
  '\\\\evil.example',
  '/%5cevil.example',
  '/%5c%5cevil.example',
  '/%2f%2fevil.example',
  '/%2F/evil.example',
  '/..%2f..%2f/evil.example',
  '/\t/evil.example',
  '/\n/evil.example',
  '/\r//evil.example',
  '/\t\t//evil.example',
  '/%09/evil.example',
  '/%0d%0a//evil.example',
  '/\u0000//evil.example',
  '/\u0085//evil.example',
  'https:evil.example',
  'https://evil.example',
  'http:/evil.example',
  'javascript:alert(1)',
  ' //evil.example',
  '/\uFF0F/evil.example',
  '/\u2215\u2215evil.example',
  '/\u3002/evil.example',
  '/evil.example\uFF0F\uFF0Fx',
  'evil.example',
];

const SITE = 'https://site.example';

/** A single-slash path that a browser resolves on this site. */
function assertLocal(location: string | null, input: string): void {
  assert.ok(location !== null, `no Location for ${JSON.stringify(input)}`);
  const why = `${JSON.stringify(input)} -> ${JSON.stringify(location)}`;
  assert.match(location, /^\/(?![/\\])/, why);
  assert.doesNotMatch(location, /[\u0000-\u001F\u007F-\u009F\\]/, why);
  assert.equal(new URL(location, SITE).origin, SITE, why);
}

test('localPath: every bypass shape gives a single-slash local path', () => {
  for (const input of BYPASSES) assertLocal(localPath(input), input);
  // Ordinary targets are kept as they are.
  for (const ok of ['/papers/2401.00010', '/search?q=a%20b#results', '/users/al%C3%AFce', '/'])
    assert.equal(localPath(ok), ok);
  assert.equal(localPath('/..//evil.example/x', '/papers/1'), '/papers/1', 'falls back, not trims');
});

let t: TestApp;
let alice: WebClient;
let commentId: number;

before(async () => {
  t = await startApp({ config: { pageCacheMs: 0 } });
  await t.store.papers.upsertMany([makePaper({ arxivId: '2401.00010', title: 'Votable paper' })]);
  alice = await signUpAndLogIn(t.url, t.dataDir, 'alice');
  const csrf = await alice.csrf('/papers/2401.00010');
  const posted = await alice.post('/papers/2401.00010/comments', { csrf, body: 'A first comment.' });
  commentId = Number(/#c(\d+)$/.exec(posted.headers.get('location') ?? '')?.[1]);
  assert.ok(commentId > 0);
});
after(() => t.close());

test('GET /login?next= (signed in) redirects only to local paths', async () => {
  for (const input of BYPASSES) {
    const r = await alice.get(`/login?next=${encodeURIComponent(input)}`);
    assert.equal(r.status, 303, input);
    assertLocal(r.headers.get('location'), input);
  }
});

test('POST /login with next (signed out) redirects only to local paths', async () => {
  // One session per login; a fresh client keeps each attempt independent.
  for (const input of BYPASSES.slice(0, 8)) {
    const c = new WebClient(t.url);
    const r = await c.submit('/login', '/login', {
      email: 'alice@example.org',
      password: 'correct horse battery',
      next: input,
    });
    assert.equal(r.status, 303, input);
    assertLocal(r.headers.get('location'), input);
  }
});

test('vote and comment-edit forms redirect only to local paths', async () => {
  const csrf = await alice.csrf('/papers/2401.00010');
  for (const input of BYPASSES) {
    const vote = await alice.post('/papers/2401.00010/vote', { csrf, up: '1', next: input });
    assert.equal(vote.status, 303, input);
    assertLocal(vote.headers.get('location'), input);
    const edit = await alice.post(`/comments/${commentId}/edit`, { csrf, body: 'Edited.', next: input });
    assert.equal(edit.status, 303, input);
    assertLocal(edit.headers.get('location'), input);
  }
});
