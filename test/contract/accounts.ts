/** Small fixtures the contract suites share: an account, and a paper's row id. */
import assert from 'node:assert/strict';
import type { Store } from '../../src/app/store.ts';

/** An account named `name` (email `<name>@example.org`) made at `now`. */
export async function makeUser(s: Store, name: string, now: string) {
  const u = await s.users.create({ email: `${name}@example.org`, name, passwordHash: '$argon2id$x', now });
  assert.ok(u, `account ${name}`);
  return u;
}

/** The row id of a stored paper. */
export async function paperRowId(s: Store, arxivId: string): Promise<number> {
  const p = await s.papers.get(arxivId);
  assert.ok(p, arxivId);
  return p.id;
}
