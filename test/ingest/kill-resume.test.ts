/**
 * Done-when (issue 3): a real `paperboy ingest oai` process harvesting a multi-page listing from
 * the fixture server (in this process) is killed with SIGKILL mid-way, several times; re-runs end
 * with every record exactly once, counts that add up, and a later run with nothing new costs one
 * listing request.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { test } from 'node:test';
import { fakePapers } from '../fixtures/upstream/fake-papers.ts';
import { tempDir } from '../support/app.ts';
import { oaiEmulator, startFixtureServer } from '../support/fixture-server.ts';

const COUNT = 3_000;
const PAGE = 300;

function cli(dataDir: string, serverUrl: string): ChildProcess {
  return spawn(process.execPath, ['src/cli/main.ts', 'ingest', 'oai', '--data', dataDir, '--json'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      PAPERBOY_ARXIV_OAI_URL: `${serverUrl}/oai`,
      PAPERBOY_UPSTREAM_INTERVAL_MS: '100',
      PAPERBOY_UPSTREAM_TIMEOUT_MS: '5000',
    },
  });
}

async function finish(
  child: ChildProcess,
): Promise<{ code: number | null; signal: string | null; out: string; err: string }> {
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
  return { code, signal, out, err };
}

test(`kill -9 a real harvest of ${COUNT} records (${COUNT / PAGE} pages) mid-way, re-run: every record exactly once`, async () => {
  const papers = fakePapers(COUNT, { perDay: 100 });
  const emu = oaiEmulator({ papers, pageSize: PAGE });
  let current: ChildProcess | null = null;
  // Kill triggers counted on the server: the n-th request of the current run schedules a SIGKILL
  // after `delay` ms, so kills land mid-harvest however slowly the process starts.
  let trigger: { n: number; delay: number } | null = null;
  let inRun = 0;
  const server = await startFixtureServer({
    '/oai': (req, url) => {
      if (trigger && ++inRun === trigger.n) {
        const victim = current;
        setTimeout(() => victim?.kill('SIGKILL'), trigger.delay);
        trigger = null;
      }
      return emu(req, url);
    },
  });
  const dataDir = tempDir('paperboy-harvest-kill-');
  try {
    const kills: string[] = [];
    // 1: while it waits for page 4 (pages 1-3 committed); 2: on its second request; 3: 150 ms
    // after its first request, typically inside a parse or a commit.
    for (const t of [
      { n: 4, delay: 0 },
      { n: 2, delay: 0 },
      { n: 1, delay: 150 },
    ]) {
      trigger = t;
      inRun = 0;
      current = cli(dataDir, server.url);
      const r = await finish(current);
      assert.equal(
        r.signal,
        'SIGKILL',
        `run ${kills.length + 1} should have been killed, ended ${r.code}: ${r.err}`,
      );
      kills.push(`request ${t.n} + ${t.delay} ms`);
    }
    trigger = null;
    current = cli(dataDir, server.url);
    const final = await finish(current);
    assert.equal(final.code, 0, final.err);
    const summary = JSON.parse(final.out.trim().split('\n').at(-1)!) as {
      status: string;
      resumed: boolean;
      counts: { inserted: number; updated: number; unchanged: number; seen: number };
    };
    assert.equal(summary.status, 'ok');
    assert.equal(summary.resumed, true);
    assert.equal(summary.counts.inserted, COUNT, `inserted counts add up across kills ${kills.join(', ')}`);
    assert.equal(summary.counts.seen, COUNT);

    const db = new DatabaseSync(path.join(dataDir, 'paperboy.db'), { readOnly: true });
    try {
      const one = (sql: string) => Object.values(db.prepare(sql).get() as object)[0];
      assert.equal(one('PRAGMA integrity_check'), 'ok');
      assert.equal(one('SELECT count(*) FROM papers'), COUNT);
      assert.equal(one('SELECT count(DISTINCT arxiv_id) FROM papers'), COUNT);
      const ids = (
        db.prepare('SELECT arxiv_id FROM papers ORDER BY arxiv_id').all() as { arxiv_id: string }[]
      ).map((r) => r.arxiv_id);
      assert.deepEqual(
        ids,
        papers.map((p) => p.id),
      );
      const versions = papers.reduce((n, p) => n + p.versions.length, 0);
      assert.equal(one('SELECT count(*) FROM paper_versions'), versions, 'no doubled child rows');
      assert.equal(
        one("SELECT count(*) FROM papers_fts WHERE papers_fts MATCH 'synthetic'"),
        COUNT,
        'index rows once each',
      );
      const statuses = (
        db.prepare('SELECT status FROM ingest_runs ORDER BY id').all() as { status: string }[]
      ).map((r) => r.status);
      assert.deepEqual(statuses, ['interrupted', 'interrupted', 'interrupted', 'ok']);
    } finally {
      db.close();
    }

    const before = server.requests.length;
    current = cli(dataDir, server.url);
    const again = await finish(current);
    assert.equal(again.code, 0, again.err);
    assert.equal(server.requests.length - before, 1, 'nothing new: one listing request');
    const s2 = JSON.parse(again.out.trim().split('\n').at(-1)!) as {
      counts: { inserted: number; updated: number };
    };
    assert.equal(s2.counts.inserted + s2.counts.updated, 0);
  } finally {
    current?.kill('SIGKILL');
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
