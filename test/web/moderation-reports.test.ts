/**
 * Issue 16 item 16 through the pages: a reader reports a comment and a paper with a reason (a
 * refused reason comes back in its form; reports are rate-limited), the report waits in the
 * queue on /admin/moderation until a moderator resolves or dismisses it, a ban needs a reason
 * and a tick, and each of these is in the moderation log shown on that page.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startApp, type TestApp } from '../support/app.ts';
import { makePaper } from '../support/papers.ts';
import { signUpAndLogIn, type WebClient } from '../support/web-client.ts';

describe('reports, the queue, bans and the log', () => {
  let t: TestApp;
  let mod: WebClient;
  let reader: WebClient;
  let commentId: number;
  const ARXIV = '2401.00001';

  before(async () => {
    t = await startApp({ config: { pageCacheMs: 0 } });
    await t.store.papers.upsertMany([makePaper({ arxivId: ARXIV, title: 'A reported paper' })]);
    mod = await signUpAndLogIn(t.url, t.dataDir, 'modder');
    await t.store.users.setRole((await t.store.users.byName('modder'))!.id, 'moderator');
    reader = await signUpAndLogIn(t.url, t.dataDir, 'reader');
    const troll = await signUpAndLogIn(t.url, t.dataDir, 'troll');
    const posted = await troll.submit(`/papers/${ARXIV}`, `/papers/${ARXIV}/comments`, {
      body: 'buy my pills',
    });
    assert.equal(posted.status, 303);
    commentId = Number(/#c(\d+)/.exec(posted.headers.get('location') ?? '')![1]);
  });
  after(() => t.close());

  it('the paper page links each comment and the paper to a report form', async () => {
    const page = await reader.text(`/papers/${ARXIV}`);
    assert.match(page, new RegExp(`href="/report\\?comment=${commentId}"`));
    assert.match(page, new RegExp(`href="/report\\?paper=${ARXIV}"`));
    const signedOut = await fetch(`${t.url}/report?comment=${commentId}`, { redirect: 'manual' });
    assert.equal(signedOut.status, 303);
    assert.match(signedOut.headers.get('location') ?? '', /^\/login\?next=/);
  });

  it('a reason is required: a refused one comes back in its form with what to fix', async () => {
    const form = `/report?comment=${commentId}`;
    assert.match(await reader.text(form), /buy my pills/);
    const res = await reader.submit(form, '/report', { comment: String(commentId), reason: ' x ' });
    assert.equal(res.status, 400);
    const html = await res.text();
    assert.match(html, /Give a reason \(at least 3 characters\)/);
    assert.match(html, /name="comment" value="\d+"/);
  });

  it('reports wait in the queue, and resolving or dismissing takes them out, logged', async () => {
    const sent = await reader.submit(`/report?comment=${commentId}`, '/report', {
      comment: String(commentId),
      reason: 'spam for pills',
    });
    assert.equal(sent.status, 200);
    assert.match(await sent.text(), /A moderator will look at your report/);
    const paper = await reader.submit(`/report?paper=${ARXIV}`, '/report', {
      paper: ARXIV,
      reason: 'not a paper',
    });
    assert.equal(paper.status, 200);

    let page = await mod.text('/admin/moderation');
    const queue = page.slice(page.indexOf('id="reports"'), page.indexOf('id="log"'));
    assert.match(queue, /reader reported <a href="\/papers\/2401\.00001#c\d+">a comment by troll<\/a>/);
    assert.match(queue, /spam for pills/);
    assert.match(queue, /reader reported the paper/);
    const ids = [...queue.matchAll(/action="\/admin\/reports\/(\d+)"/g)].map((m) => m[1]!);
    assert.equal(ids.length, 2);

    const csrf = await mod.csrf('/admin/moderation');
    assert.equal(
      (await mod.post(`/admin/reports/${ids[0]}`, { csrf, outcome: 'resolved', note: 'hid it' })).status,
      303,
    );
    assert.equal((await mod.post(`/admin/reports/${ids[1]}`, { csrf, outcome: 'dismissed' })).status, 303);
    const again = await mod.post(`/admin/reports/${ids[1]}`, { csrf, outcome: 'dismissed' });
    assert.equal(again.status, 400);
    assert.match(await again.text(), /already closed/);
    const byReader = await reader.post(`/admin/reports/${ids[1]}`, {
      csrf: await reader.csrf(`/papers/${ARXIV}`),
      outcome: 'resolved',
    });
    assert.equal(byReader.status, 403);

    page = await mod.text('/admin/moderation');
    assert.match(page, /No open reports/);
    const log = page.slice(page.indexOf('id="log"'));
    assert.match(
      log,
      /<td>reader<\/td><td>report<\/td><td>comment \d+ by troll on 2401\.00001<\/td><td>spam for pills<\/td>/,
    );
    assert.match(
      log,
      /<td>modder<\/td><td>resolve<\/td><td>report \d+ \(comment \d+ on 2401\.00001\)<\/td><td>hid it<\/td>/,
    );
    assert.match(log, /<td>modder<\/td><td>dismiss<\/td>/);
  });

  it('banning asks for a reason and a tick, and is logged', async () => {
    const troll = (await t.store.users.byName('troll'))!;
    const csrf = await mod.csrf('/admin/moderation');
    const page = await mod.text('/admin/moderation');
    assert.match(
      page,
      new RegExp(
        `action="/admin/users/${troll.id}/ban">.*name="reason" required.*name="confirm" value="yes" required`,
      ),
    );
    const noReason = await mod.post(`/admin/users/${troll.id}/ban`, { csrf, banned: '1', confirm: 'yes' });
    assert.equal(noReason.status, 400);
    assert.match(await noReason.text(), /Give a reason/);
    const noTick = await mod.post(`/admin/users/${troll.id}/ban`, { csrf, banned: '1', reason: 'spam' });
    assert.equal(noTick.status, 400);
    assert.match(await noTick.text(), /confirm banning troll/);
    assert.equal((await t.store.users.byId(troll.id))!.bannedAt, null);
    const ok = await mod.post(`/admin/users/${troll.id}/ban`, {
      csrf,
      banned: '1',
      reason: 'pill spam',
      confirm: 'yes',
    });
    assert.equal(ok.status, 303);
    assert.notEqual((await t.store.users.byId(troll.id))!.bannedAt, null);
    const unban = await mod.post(`/admin/users/${troll.id}/ban`, { csrf, banned: '0' });
    assert.equal(unban.status, 303);
    const log = (await mod.text('/admin/moderation')).split('id="log"')[1]!;
    assert.match(log, /<td>modder<\/td><td>ban<\/td><td>account troll<\/td><td>pill spam<\/td>/);
    assert.match(log, /<td>modder<\/td><td>unban<\/td><td>account troll<\/td>/);
  });

  it('reports are rate-limited per reader through the shared limiter', async () => {
    let status = 0;
    for (let i = 0; i < 12 && status !== 429; i++) {
      const res = await reader.submit(`/report?paper=${ARXIV}`, '/report', {
        paper: ARXIV,
        reason: `again ${i}`,
      });
      status = res.status;
    }
    assert.equal(status, 429);
  });
});
