/** `paperboy users add-admin <email>`: the role is set on a signed-up account; unknown emails fail. */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { SqliteStore } from '../../src/app/sqlite.store.ts';
import { main } from '../../src/cli/main.ts';
import { tempDir } from '../support/app.ts';

test('users add-admin promotes an existing account and refuses unknown emails', async () => {
  const dir = tempDir();
  try {
    const store = new SqliteStore(path.join(dir, 'paperboy.db'));
    await store.users.create({
      email: 'op@example.org',
      name: 'operator',
      passwordHash: 'x',
      now: new Date().toISOString(),
    });
    await store.close();
    const out: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => out.push(String(chunk)) > 0) as typeof process.stdout.write;
    let code: number;
    try {
      code = await main(['users', 'add-admin', 'OP@example.org', '--data', dir]);
    } finally {
      process.stdout.write = write;
    }
    assert.equal(code, 0);
    assert.match(out.join(''), /op@example.org \(operator\) is now an admin/);
    const check = new SqliteStore(path.join(dir, 'paperboy.db'));
    assert.equal((await check.users.byName('operator'))?.role, 'admin');
    await check.close();
    const err = process.stderr.write.bind(process.stderr);
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      assert.equal(await main(['users', 'add-admin', 'ghost@example.org', '--data', dir]), 1);
      assert.equal(await main(['users', 'add-admin', '--data', dir]), 2);
    } finally {
      process.stderr.write = err;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
