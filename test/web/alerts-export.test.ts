/**
 * Issue 15 in the account's data export (issue 14 item 8, /settings/account/export.json), through
 * the real app on both databases: the reader's alerts (definition, delivery, paused, last fired),
 * webhooks (URL, created, disabled state, never the signing secret) and recent events; another
 * reader's are not in it. Own ids (2512.17***).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computeEvents } from '../../src/alerts/compute.ts';
import { AlertService } from '../../src/alerts/service.ts';
import { bothStores } from '../digest/helpers.ts';
import { startApp } from '../support/app.ts';
import { makePaper } from '../support/papers.ts';
import { signUpAndLogIn } from '../support/web-client.ts';

const fromHtml = (s: string) => s.replaceAll('&amp;', '&').replaceAll('&quot;', '"').replaceAll('&#39;', "'");

for (const [dialect, open] of bothStores) {
  test(`${dialect}: the export carries the reader's alerts, webhooks and events, and no secret`, async () => {
    const db = await open();
    const t = await startApp({
      store: db.store,
      config: { pageCacheMs: 0, webhookAllowHosts: ['127.0.0.1'] },
    });
    try {
      const fay = await signUpAndLogIn(t.url, t.dataDir, 'fay');
      await signUpAndLogIn(t.url, t.dataDir, 'gil');
      const now = new Date().toISOString();
      const id = async (name: string) => (await t.store.users.byName(name))!.id;
      // Through the service the pages use (its rules; the pages' forms are test/web/alerts.test.ts's).
      const alerts = new AlertService(t.store, { baseUrl: 'https://paperboy.test' });
      await alerts.create(await id('gil'), { kind: 'search', target: 'graphs', delivery: ['feed'] });
      await alerts.create(await id('fay'), {
        kind: 'search',
        target: 'diffusion',
        delivery: ['webhook', 'feed'],
      });
      const cat = await alerts.create(await id('fay'), {
        kind: 'category',
        target: 'cs.CV',
        delivery: ['digest'],
      });
      assert.equal((await fay.submit('/alerts', `/alerts/${cat.id}/pause`, { paused: '1' })).status, 303);

      const added = await fay.submit('/alerts/webhooks', '/alerts/webhooks', {
        url: 'http://127.0.0.1:9/fay',
      });
      assert.equal(added.status, 200);
      const secret = /whsec_[A-Za-z0-9+/=_-]+/.exec(fromHtml(await added.text()))?.[0];
      assert.ok(secret, 'the page shows the secret once');

      await t.store.papers.upsertMany([
        makePaper({
          arxivId: '2512.17001',
          title: 'Diffusion for the export',
          submittedAt: now,
          updatedAt: now,
          versions: [{ version: 1, createdAt: now }],
        }),
      ]);
      await computeEvents(t.store.alerts, { baseUrl: 'https://paperboy.test' });

      const res = await fay.get('/settings/account/export.json');
      assert.equal(res.status, 200);
      const text = await res.text();
      assert.ok(!text.includes(secret), 'the signing secret is never exported');
      assert.ok(!/secret/i.test(text), 'nor any field named like it');
      const exported = JSON.parse(text).alerts;
      assert.deepEqual(
        exported.alerts.map((a: Record<string, unknown>) => [a.kind, a.target, a.delivery, a.paused]),
        [
          ['search', 'diffusion', ['feed', 'webhook'], false],
          ['category', 'cs.CV', ['digest'], true],
        ],
        "fay's alerts, not gil's",
      );
      const search = exported.alerts[0];
      assert.match(search.lastFiredAt, /^\d{4}-\d\d-\d\dT/);
      assert.equal(search.lastReason, 'matches your search “diffusion”');
      assert.equal(exported.alerts[1].lastFiredAt, null);
      assert.deepEqual(
        exported.webhooks.map((w: Record<string, unknown>) => [
          w.url,
          w.collectionId,
          w.disabledAt,
          w.disabledReason,
        ]),
        [['http://127.0.0.1:9/fay', null, null, null]],
      );
      assert.match(exported.webhooks[0].createdAt, /^\d{4}-\d\d-\d\dT/);
      assert.deepEqual(
        exported.recentEvents.map((e: Record<string, unknown>) => [e.type, e.arxivId, e.reason, e.alertId]),
        [['search.match', '2512.17001', 'matches your search “diffusion”', search.id]],
      );
    } finally {
      await t.close();
      await db.close();
    }
  });
}
