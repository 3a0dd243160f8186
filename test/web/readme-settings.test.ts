/**
 * Issue 13, item 3: the README's settings table covers every key of the config schema, and names
 * no key the schema lacks, so the two cannot drift apart again.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { configSchema } from '../../src/config/config.ts';

test('the README settings table and the config schema name the same keys', () => {
  const readme = readFileSync(path.join(import.meta.dirname, '../../README.md'), 'utf8');
  const start = readme.indexOf('## Configuration');
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  // The first cell of each table row lists its settings as `code` spans.
  const rows = section.split('\n').filter((l) => l.startsWith('| `'));
  const inTable = new Set(
    rows.flatMap((r) => [...(r.split('|')[1] ?? '').matchAll(/`([A-Za-z]+)`/g)].map((m) => m[1]!)),
  );
  const inSchema = new Set(Object.keys(configSchema.shape));
  assert.deepEqual(
    [...inSchema].filter((k) => !inTable.has(k)),
    [],
    'settings missing from the README table',
  );
  assert.deepEqual(
    [...inTable].filter((k) => !inSchema.has(k)),
    [],
    'README table rows that are not settings',
  );
});
