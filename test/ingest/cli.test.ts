/** `paperboy ingest`: usage errors, exit codes as for import (0 ok, 1 failure, 2 usage, 3 partial). */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { test } from 'node:test';
import { fakePapers } from '../fixtures/upstream/fake-papers.ts';
import { loadFixture } from '../fixtures/upstream/load.ts';
import { tempDir } from '../support/app.ts';
import { oaiEmulator, startFixtureServer } from '../support/fixture-server.ts';

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
