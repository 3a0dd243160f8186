/**
 * RELIABILITY.md (Data): malformed records are rejected with location and reason, the rest is
 * imported, counts add up; exit codes 0 / 3 / 2; same file twice changes nothing.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { SqliteStore } from '../../src/app/sqlite.store.ts';
import { tempDir } from '../support/app.ts';
import { snapshotRecord, toJsonl } from '../support/snapshot.ts';

const cli = (dataDir: string, ...args: string[]) =>
  spawnSync(process.execPath, ['src/cli/main.ts', ...args, '--data', dataDir], { encoding: 'utf8' });

function lastJson(stdout: string) {
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as {
    inserted: number;
    updated: number;
    unchanged: number;
    rejected: number;
  };
}

test('malformed lines are reported with line number and reason; the rest is imported', () => {
  const dir = tempDir();
  const file = path.join(dir, 'snap.jsonl');
  const good = [snapshotRecord('0704.0001'), snapshotRecord('0704.0002'), snapshotRecord('hep-th/9901001')];
  const lines = [
    JSON.stringify(good[0]), // 1
    '{"id": "0704.0003", "title": ', // 2 broken JSON
    JSON.stringify({ ...snapshotRecord('x'), id: undefined }), // 3 missing id
    JSON.stringify(
      snapshotRecord('0704.0004', {
        versions: [{ version: 'v1', created: 'Mon, 31 Feb 2007 10:00:00 GMT' }],
      }),
    ), // 4 impossible date
    JSON.stringify(snapshotRecord('0704.0005', { title: 'T'.repeat(1024 * 1024) })), // 5 1 MB title
    JSON.stringify(good[1]), // 6
    '', // 7 blank: skipped, not rejected
    JSON.stringify(good[2]), // 8
  ];
  const bytes = Buffer.concat([
    Buffer.from(`${lines.join('\n')}\n`),
    Buffer.from([0x7b, 0x22, 0x69, 0x64, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d, 0x0a]), // 9 invalid UTF-8
  ]);
  writeFileSync(file, bytes);
  const r = cli(dir, 'import', file, '--json');
  assert.equal(r.status, 3, r.stderr);
  for (const [line, reason] of [
    [2, /broken JSON/],
    [3, /missing id/],
    [4, /bad date/],
    [5, /title is 1048576 chars/],
    [9, /invalid UTF-8/],
  ] as const) {
    assert.match(r.stderr, new RegExp(`snap\\.jsonl:${line}: rejected: ${reason.source}`), r.stderr);
  }
  const s = lastJson(r.stdout);
  assert.equal(s.inserted, 3);
  assert.equal(s.rejected, 5);
  assert.equal(s.inserted + s.updated + s.unchanged + s.rejected, 8);

  // Same file again: nothing changes, still exit 3 because the bad lines are still bad.
  const again = cli(dir, 'import', file, '--json');
  assert.equal(again.status, 3);
  const s2 = lastJson(again.stdout);
  assert.deepEqual([s2.inserted, s2.updated, s2.unchanged, s2.rejected], [0, 0, 3, 5]);
});

test('gzip input, idempotent re-import, exit 0, newer version updates, older never overwrites', async () => {
  const dir = tempDir();
  const gz = path.join(dir, 'snap.jsonl.gz');
  const v1 = snapshotRecord('2210.11078');
  writeFileSync(gz, gzipSync(toJsonl([v1, snapshotRecord('2210.11079')])));
  const first = cli(dir, 'import', gz, '--json');
  assert.equal(first.status, 0, first.stderr);
  assert.equal(lastJson(first.stdout).inserted, 2);
  const second = cli(dir, 'import', gz, '--json');
  assert.equal(second.status, 0);
  assert.equal(lastJson(second.stdout).unchanged, 2);

  const v2 = snapshotRecord('2210.11078', {
    title: 'Revised title',
    versions: [...v1.versions, { version: 'v2', created: 'Tue, 3 Apr 2007 10:00:00 GMT' }],
  });
  const plain = path.join(dir, 'v2.jsonl');
  writeFileSync(plain, toJsonl([v2]));
  assert.equal(lastJson(cli(dir, 'import', plain, '--json').stdout).updated, 1);
  const old = path.join(dir, 'old.jsonl');
  writeFileSync(old, toJsonl([{ ...v1, title: 'Stale title' }]));
  assert.equal(lastJson(cli(dir, 'import', old, '--json').stdout).unchanged, 1);

  const store = new SqliteStore(path.join(dir, 'paperboy.db'));
  const p = await store.papers.get('2210.11078');
  assert.equal(p?.title, 'Revised title');
  assert.equal(p?.version, 2);
  assert.deepEqual(
    p?.versions.map((v) => v.version),
    [1, 2],
  );
  await store.close();
});

test('bad usage exits 2', () => {
  const dir = tempDir();
  assert.equal(cli(dir, 'import').status, 2);
  assert.equal(cli(dir, 'import', path.join(dir, 'missing.jsonl')).status, 2);
  assert.equal(cli(dir, 'import', 'a', 'b').status, 2);
  assert.equal(cli(dir, 'frobnicate').status, 2);
  assert.equal(cli(dir, 'import', '--no-such-flag').status, 2);
});

// Issue 12, item 8: a malformed field the record can do without is imported with a warning
// (file:line, what and what was used instead), never silently; the summary counts warnings.
test('malformed optional fields: imported with a warning at file:line, counted in the summary', () => {
  const dir = tempDir();
  const file = path.join(dir, 'warn.jsonl');
  writeFileSync(
    file,
    toJsonl([
      snapshotRecord('0705.0001', { update_date: 'not-a-date' }), // 1
      snapshotRecord('0705.0002'), // 2 good
      snapshotRecord('0705.0003', { update_date: '2007-02-30' }), // 3 impossible
      { ...snapshotRecord('0705.0004'), authors_parsed: 'Lovelace, Ada' }, // 4
      { ...snapshotRecord('0705.0005'), versions: 'v1' }, // 5
    ]),
  );
  const r = cli(dir, 'import', file, '--json');
  assert.equal(r.status, 0, r.stderr);
  const expected = [
    `warn.jsonl:1: warning: update_date "not-a-date" is not a date (YYYY-MM-DD); used versions' dates`,
    `warn.jsonl:3: warning: update_date "2007-02-30" is not a date (YYYY-MM-DD); used versions' dates`,
    'warn.jsonl:4: warning: authors_parsed is not a list of name lists; used authors',
    'warn.jsonl:5: warning: versions "v1" is not a list; used update_date',
  ];
  const warnings = r.stderr.split('\n').filter((l) => l.includes(': warning: '));
  assert.deepEqual(
    warnings.map((l) => l.slice(l.indexOf('warn.jsonl'))),
    expected,
  );
  const s = lastJson(r.stdout) as ReturnType<typeof lastJson> & { warnings: number };
  assert.equal(s.inserted, 5);
  assert.equal(s.warnings, 4);

  const human = cli(dir, 'import', file);
  assert.match(human.stdout, /0 rejected, 4 warnings \(5 lines/);
});
