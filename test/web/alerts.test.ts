/**
 * Alerts on the pages (issue 15 items 1, 3, 4) in the real app on SQLite: `/alerts` adds, pauses,
 * re-routes and deletes alerts with plain forms and says when each last fired and why; a vote
 * (through the page) has its events computed at once; the private alert feed carries the feed
 * alerts' events; `/admin/alerts` counts them for admins only.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ComputeResult } from '../../src/alerts/compute.ts';
import { startApp, type TestApp } from '../support/app.ts';
import { makePaper } from '../support/papers.ts';
import { signUpAndLogIn, type WebClient } from '../support/web-client.ts';

let t: TestApp;
let reader: WebClient;
const computed: ComputeResult[] = [];
let waiting: (() => void) | null = null;
/** Resolves at the next event computation the site runs (after a vote, a submission, a poll). */
const nextComputation = () => new Promise<void>((resolve) => (waiting = resolve));

const ago = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();

before(async () => {
  t = await startApp({
    config: { pageCacheMs: 0 },
    siteOptions: {
      alertsComputed: (r) => {
        computed.push(r);
        waiting?.();
      },
    },
  });
  await t.store.papers.upsertMany([
    makePaper({ arxivId: '2411.00001', title: 'A paper worth saving', submittedAt: ago(30) }),
  ]);
  reader = await signUpAndLogIn(t.url, t.dataDir, 'alertreader');
});
after(() => t?.close());

const alertIdOf = async (c: WebClient, text: string) => {
  const page = await c.text('/alerts');
  const m = new RegExp(`data-alert="(\\d+)">\\s*<p><strong>[^<]*(?:<[^>]+>)?${text}`).exec(page);
  assert.ok(m, `an alert "${text}" is listed`);
  return m[1]!;
};

test('signed out, /alerts asks to log in; bad input is refused saying what and why', async () => {
  const anon = await fetch(`${t.url}/alerts`, { redirect: 'manual' });
  assert.equal(anon.status, 303);
  assert.equal(anon.headers.get('location'), '/login?next=/alerts');
  const bad = await reader.submit('/alerts', '/alerts', {
    kind: 'category',
    target: 'cs.L!',
    delivery: 'feed',
  });
  assert.equal(bad.status, 400);
  assert.match(await bad.text(), /category: .*cs\.L!/);
  const none = await reader.submit('/alerts', '/alerts', { kind: 'search', target: 'diffusion' });
  assert.equal(none.status, 400);
  assert.match(await none.text(), /delivery: choose at least one/);
  const query = await reader.submit('/alerts', '/alerts', { kind: 'search', target: 'a*', delivery: 'feed' });
  assert.equal(query.status, 400, 'the query language refuses a two-letter prefix');
});

test('add alerts, a vote fires them at once, the page says when and why, the feed carries them', async () => {
  const adds: Record<string, string>[] = [
    { kind: 'search', target: 'diffusion', delivery: 'feed' },
    { kind: 'trending', target: 'https://arxiv.org/abs/2411.00001', threshold: '1', delivery: 'feed' },
  ];
  for (const fields of adds) {
    const r = await reader.submit('/alerts', '/alerts', fields);
    assert.equal(r.status, 303, await r.text());
  }
  // A harvested paper (queued by the database's trigger) and a vote through the page.
  await t.store.papers.upsertMany([
    makePaper({ arxivId: '2411.00002', title: 'Diffusion for all', submittedAt: ago(1) }),
  ]);
  const done = nextComputation();
  const vote = await reader.submit('/papers/2411.00001', '/papers/2411.00001/vote', { up: '1' });
  assert.equal(vote.status, 303);
  await done;
  const events = computed.flatMap((r) => r.events).map((e) => `${e.type} ${e.arxivId}`);
  assert.deepEqual(events.sort(), ['paper.trending 2411.00001', 'search.match 2411.00002']);

  const page = await reader.text('/alerts');
  assert.match(page, /last fired <time[^>]*>[^<]+<\/time>: matches your search “diffusion”/);
  assert.match(page, /reached 1 vote(?!s)/);
  const feed = /href="([^"]+\/feeds\/\d+\/alerts\.atom\?key=[^"]+)"/.exec(page);
  assert.ok(feed, 'the private alert feed is linked');
  const feedUrl = new URL(feed[1]!.replaceAll('&amp;', '&'));
  const atom = await fetch(`${t.url}${feedUrl.pathname}${feedUrl.search}`);
  assert.equal(atom.status, 200);
  const xml = await atom.text();
  assert.match(xml, /Diffusion for all/);
  assert.match(xml, /Alert: reached 1 vote\./);
  const wrongKey = await fetch(`${t.url}/feeds/1/alerts.atom?key=nope`);
  assert.equal(wrongKey.status, 404);
});

test('pause, change delivery, delete; another reader cannot touch them', async () => {
  const id = await alertIdOf(reader, 'New papers matching');
  assert.equal((await reader.submit('/alerts', `/alerts/${id}/pause`, { paused: '1' })).status, 303);
  assert.match(await reader.text('/alerts'), /\(paused\)/);
  assert.equal((await reader.submit('/alerts', `/alerts/${id}/delivery`, { delivery: 'mail' })).status, 303);
  const alerts = await t.store.alerts.list((await t.store.users.byName('alertreader'))!.id);
  const search = alerts.find((a) => String(a.id) === id)!;
  assert.deepEqual([search.paused, search.delivery], [true, ['mail']]);

  const other = await signUpAndLogIn(t.url, t.dataDir, 'alertother');
  assert.equal((await other.submit('/alerts', `/alerts/${id}/delete`, {})).status, 404);
  assert.equal((await reader.submit('/alerts', `/alerts/${id}/delete`, {})).status, 303);
  assert.doesNotMatch(await reader.text('/alerts'), /New papers matching/);
});

test('/admin/alerts: counts per type and queues, for admins only', async () => {
  // Until an admin exists, a loopback request may open admin pages (setup, guard.ts): make one.
  await t.store.users.setRole((await t.store.users.byName('alertother'))!.id, 'admin');
  assert.equal((await reader.get('/admin/alerts')).status, 403);
  await t.store.users.setRole((await t.store.users.byName('alertreader'))!.id, 'admin');
  const r = await reader.get('/admin/alerts');
  assert.equal(r.status, 200);
  const page = await r.text();
  assert.match(page, /<td>trending<\/td><td>1<\/td><td>0<\/td>/);
  assert.match(page, /<td>paper\.trending<\/td><td>1<\/td>/);
  assert.match(page, /data-queue="changes">0</);
  // Webhook delivery is wired (app/alerts.ts), and no webhook fails.
  assert.match(page, /<h2>Failing webhooks<\/h2>\s*<p class="muted">None\.<\/p>/);
});
