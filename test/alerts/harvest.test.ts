/**
 * Issue 15 item 1: the scheduled daily harvest computes the alert events of what it wrote, right
 * after it (src/app/schedule.ts), against a local OAI-PMH emulator: a reader following a category
 * has the harvest's new papers in it as events, and the change queue is empty afterwards.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { scheduleTable } from '../../src/app/schedule.ts';
import { SqliteStore } from '../../src/app/sqlite.store.ts';
import { loadConfig } from '../../src/config/config.ts';
import { makeUser } from '../contract/accounts.ts';
import { fakePapers } from '../fixtures/upstream/fake-papers.ts';
import { tempDir } from '../support/app.ts';
import { oaiEmulator, startFixtureServer } from '../support/fixture-server.ts';

test('the daily harvest job ends by computing the alert events of the papers it stored', async () => {
  // Submitted two days ago: new papers, inside the alerts' 14-day window.
  const startDay = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
  const papers = fakePapers(10, { startDay, idPrefix: '2609' });
  const server = await startFixtureServer({ '/oai': oaiEmulator({ papers }) });
  const dir = tempDir('paperboy-alert-harvest-');
  const store = new SqliteStore(path.join(dir, 'paperboy.db'));
  try {
    const config = loadConfig({
      env: {},
      flags: {
        data: dir,
        logLevel: 'silent',
        baseUrl: 'https://paperboy.test',
        arxivOaiUrl: `${server.url}/oai`,
        upstreamIntervalMs: 0,
        harvestSources: 'oai',
        oaiFirstHarvestDays: 30,
      },
    });
    const now = new Date().toISOString();
    const reader = await makeUser(store, 'harvest-reader', now);
    await store.alerts.create(
      { userId: reader.id, kind: 'category', target: 'cs.CV', delivery: ['feed'] },
      now,
    );

    const job = scheduleTable(config).find((j) => j.name === 'daily-harvest')!;
    const summary = await job.run({ store, config, signal: new AbortController().signal, log: () => {} });

    // fake-papers.ts lists cs.CV (first or second) for 2 of every 5 papers.
    const inCv = papers.filter((p) => p.categories.includes('cs.CV')).map((p) => p.id);
    assert.ok(inCv.length > 0);
    const events = await store.alerts.events(reader.id, 100);
    assert.deepEqual(events.map((e) => e.arxivId).sort(), [...inCv].sort());
    assert.ok(events.every((e) => e.reason === 'new in cs.CV'));
    assert.match(summary, /alerts: \d+ events from \d+ changes/);
    assert.equal((await store.alerts.stats()).pendingChanges, 0, 'nothing left in the queue');
  } finally {
    await store.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
