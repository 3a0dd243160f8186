/** `paperboy ingest`: usage errors, exit codes as for import (0 ok, 1 failure, 2 usage, 3 partial). */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { rmSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { fakePapers } from '../fixtures/upstream/fake-papers.ts';
import { loadFixture } from '../fixtures/upstream/load.ts';
import { tempDir } from '../support/app.ts';
import { oaiEmulator, startFixtureServer } from '../support/fixture-server.ts';
import { snapshotRecord, toJsonl } from '../support/snapshot.ts';

async function paperboy(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['src/cli/main.ts', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PAPERBOY_UPSTREAM_INTERVAL_MS: '0', PAPERBOY_UPSTREAM_RETRIES: '0', ...env },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const [code] = (await once(child, 'exit')) as [number];
  return { code, out, err };
}

test('paperboy ingest: usage errors exit 2, ok 0, rejected records 3, failures 1', async () => {
  const server = await startFixtureServer({
    '/good/oai': oaiEmulator({ papers: fakePapers(12), pageSize: 5 }),
    '/partial/oai': loadFixture('oai/hostile/missing-id.xml'),
    '/broken/oai': loadFixture('oai/error-badArgument.xml'),
  });
  const dirs = [
    tempDir('paperboy-cli-ingest-'),
    tempDir('paperboy-cli-ingest-'),
    tempDir('paperboy-cli-ingest-'),
  ];
  const at = (p: string) => ({ PAPERBOY_ARXIV_OAI_URL: `${server.url}/${p}/oai` });
  try {
    // Process start-up dominates here, so independent runs go in parallel (separate data dirs).
    const [set, since, ok, partial, failed] = await Promise.all([
      paperboy(['ingest', 'rss', '--set', 'cs']),
      paperboy(['ingest', 'oai', '--since', '2024-13-01']),
      paperboy(['ingest', 'oai', '--data', dirs[0]!, '--json'], at('good')),
      paperboy(['ingest', 'oai', '--data', dirs[1]!, '--since', '2024-01-01'], at('partial')),
      paperboy(['ingest', 'oai', '--data', dirs[2]!], at('broken')),
    ]);
    assert.equal(set!.code, 2);
    assert.match(set!.err, /ingest rss does not take --set/);
    assert.equal(since!.code, 2);
    assert.match(since!.err, /not a date \(YYYY-MM-DD\): 2024-13-01/);

    assert.equal(ok!.code, 0, ok!.err);
    assert.equal(JSON.parse(ok!.out).counts.inserted, 12);

    assert.equal(partial!.code, 3, partial!.err);
    assert.match(partial!.err, /record 2 at line \d+: missing arXiv id/);
    assert.match(
      partial!.out,
      /ingest oai: partial: finished: 5 seen, 2 inserted.*3 rejected.*\(run #1, see \/admin\/ingest\)/,
    );

    assert.equal(failed!.code, 1);
    assert.match(failed!.out, /ingest oai: failed: stopped: page 1: OAI-PMH error badArgument/);
  } finally {
    await server.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
});

// Issue 12, item 8: progress, issues and rejects written to a pipe (a log file, CI) are plain
// lines: no carriage returns, no escape sequences.
test('output to a pipe holds no terminal control codes (ingest with issues, import with rejects)', async () => {
  const server = await startFixtureServer({ '/partial/oai': loadFixture('oai/hostile/missing-id.xml') });
  const dirs = [tempDir('paperboy-cli-plain-'), tempDir('paperboy-cli-plain-')];
  try {
    const file = `${dirs[1]}/snap.jsonl`;
    writeFileSync(
      file,
      `${toJsonl([snapshotRecord('0704.0001'), { id: '0704.0002' }, snapshotRecord('0704.0003')])}`,
    );
    const [ingest, imported] = await Promise.all([
      paperboy(['ingest', 'oai', '--data', dirs[0]!, '--since', '2024-01-01'], {
        PAPERBOY_ARXIV_OAI_URL: `${server.url}/partial/oai`,
        TERM: 'xterm-256color',
      }),
      paperboy(['import', file, '--data', dirs[1]!], { TERM: 'xterm-256color' }),
    ]);
    assert.equal(ingest!.code, 3, ingest!.err);
    assert.match(ingest!.err, /missing arXiv id/, 'an issue line was printed');
    assert.equal(imported!.code, 3, imported!.err);
    assert.match(imported!.err, /snap\.jsonl:2: rejected/);
    // Off a terminal, progress is a JSON log line (src/shared/log.ts).
    assert.match(imported!.err, /^\{"level":30,.*"msg":"import: /m, 'a progress line was printed');
    for (const r of [ingest!, imported!]) {
      const all = r.out + r.err;
      const bad = /[\r\x1b]/.exec(all);
      assert.equal(bad, null, `control character ${JSON.stringify(bad?.[0])} in ${JSON.stringify(all)}`);
    }
  } finally {
    await server.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
});
