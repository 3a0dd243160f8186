/**
 * /admin/moderation's account list (issue 12 item 7): paged (each page shows the next accounts,
 * where every page used to repeat the newest 50) and searchable by name or email.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startApp, type TestApp } from '../support/app.ts';
import { signUpAndLogIn, type WebClient } from '../support/web-client.ts';

let t: TestApp;
let mod: WebClient;

before(async () => {
  t = await startApp({ config: { pageCacheMs: 0 } });
  mod = await signUpAndLogIn(t.url, t.dataDir, 'modder');
  const m = await t.store.users.byName('modder');
  await t.store.users.setRole(m!.id, 'moderator');
  for (let i = 0; i < 110; i++)
    await t.store.users.create({
      email: `member${i}@${i % 10 === 0 ? 'Tenth' : 'plain'}.example.org`.toLowerCase(),
      name: `member${String(i).padStart(3, '0')}`,
      passwordHash: 'x',
      now: new Date().toISOString(),
    });
});
after(() => t.close());

/** Account names in the accounts table of a moderation page. */
async function accountsOn(query: string): Promise<{ names: string[]; html: string }> {
  const res = await mod.get(`/admin/moderation${query}`);
  assert.equal(res.status, 200, query);
  const html = await res.text();
  const table = html.slice(html.indexOf('id="users"'));
  return { names: [...table.matchAll(/<td><a href="\/users\/([^"]+)">/g)].map((m) => m[1]!), html };
}

test('account pages follow each other: 111 accounts as 50 + 50 + 11, no repeats', async () => {
  const pages = [];
  for (const n of [1, 2, 3]) pages.push(await accountsOn(`?accounts=${n}`));
  assert.deepEqual(
    pages.map((p) => p.names.length),
    [50, 50, 11],
  );
  const all = pages.flatMap((p) => p.names);
  assert.equal(new Set(all).size, 111, 'no account shown twice');
  assert.equal(all[0], 'member109', 'newest first');
  assert.equal(all.at(-1), 'modder');
  assert.match(pages[0]!.html, /href="\/admin\/moderation\?accounts=2#users"/);
  assert.doesNotMatch(pages[2]!.html, /Older accounts/);
});

test('the search box finds accounts by name or email substring, case-insensitively, and pages the result', async () => {
  const byName = await accountsOn('?q=MEMBER10');
  assert.deepEqual(byName.names, [
    'member109',
    'member108',
    'member107',
    'member106',
    'member105',
    'member104',
    'member103',
    'member102',
    'member101',
    'member100',
    'member010',
  ]);
  assert.match(byName.html, /name="q"[^>]*value="MEMBER10"/);
  const byEmail = await accountsOn('?q=tenth.EXAMPLE');
  assert.equal(byEmail.names.length, 11);
  assert.ok(byEmail.names.every((n) => Number(n.slice(6)) % 10 === 0));
  const none = await accountsOn('?q=%25');
  assert.deepEqual(none.names, []);
  assert.match(none.html, /No account matches/);
  const paged = await accountsOn('?q=member&accounts=3');
  assert.deepEqual(paged.names, [
    'member009',
    'member008',
    'member007',
    'member006',
    'member005',
    'member004',
    'member003',
    'member002',
    'member001',
    'member000',
  ]);
  assert.match(paged.html, /href="\/admin\/moderation\?q=member&amp;accounts=2#users"/);
  const tooLong = await mod.get(`/admin/moderation?q=${'x'.repeat(101)}`);
  assert.equal(tooLong.status, 400, 'the search is bounded');
});
