/**
 * Issue 13 ("a newcomer can find where any route lives"): docs/ARCHITECTURE.md's "Where things
 * live" table names, for every file of src/web/ that registers routes, exactly the paths it
 * registers. Both directions are checked, so a route added, moved or removed without the table
 * fails here.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ROUTE = /app\.(?:get|post|put|delete)(?:<[^>]*>)?\(\s*['`]([^'`]+)['`]/g;

/** The paths a file registers, with a feed-suffix template written as the table writes it. */
function registered(file: string): string[] {
  const text = readFileSync(path.join(ROOT, 'src', file), 'utf8');
  const paths = [...text.matchAll(ROUTE)].map((m) => m[1]!.replace(/\$\{\w+\}/g, '{rss,atom,json}'));
  return [...new Set(paths)].sort();
}

function documented(): Map<string, string[]> {
  const doc = readFileSync(path.join(ROOT, 'docs/ARCHITECTURE.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## Where things live'));
  const rows = new Map<string, string[]>();
  for (const m of section.matchAll(/^\| `(web\/[\w.-]+\.ts)` \| (.*) \|$/gm))
    rows.set(m[1]!, [...m[2]!.matchAll(/`([^`]+)`/g)].map((x) => x[1]!).sort());
  return rows;
}

test('the route table of ARCHITECTURE.md matches the routes each src/web file registers', () => {
  const web = readdirSync(path.join(ROOT, 'src/web'))
    .filter((f) => /\.(routes|api)\.ts$/.test(f) || f === 'app.ts')
    .map((f) => `web/${f}`);
  const table = documented();
  assert.ok(table.size > 10, 'the table is there');
  for (const file of web) {
    const paths = registered(file);
    if (paths.length === 0) continue;
    assert.deepEqual(table.get(file), paths, `${file}: the table's row and the code differ`);
  }
  for (const file of table.keys())
    assert.ok(web.includes(file), `${file} is in the table but not in src/web`);
});
