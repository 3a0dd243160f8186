/**
 * A paperboy data directory holding the generated corpus for the search benches, imported once
 * through the real CLI (`paperboy import`) and reused while the corpus and the importer's output
 * stay the same: /tmp/paperboy-bench-search/<count>-s<seed>/. Not under the import bench's
 * /tmp/paperboy-bench/<count>-s<seed>/, which that bench wipes when it rebuilds its databases.
 */
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ensureCorpus, runChild } from './common.ts';

export async function searchDataDir(count: number, seed: number): Promise<string> {
  const dir = path.join('/tmp', 'paperboy-bench-search', `${count}-s${seed}`);
  const ready = path.join(dir, 'imported.json');
  if (existsSync(ready)) return dir;
  const file = await ensureCorpus(count, seed);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  process.stderr.write(`importing ${count} papers into ${dir} …\n`);
  const env: NodeJS.ProcessEnv = { ...process.env, PAPERBOY_DATA: dir, PAPERBOY_LOG_LEVEL: 'silent' };
  delete env.DATABASE_URL;
  delete env.PAPERBOY_DATABASE_URL;
  delete env.PAPERBOY_CONFIG;
  const r = await runChild(
    process.execPath,
    [path.join('src', 'cli', 'main.ts'), 'import', file, '--json'],
    env,
  );
  if (!r.json || r.json.inserted === undefined)
    throw new Error(`import failed (exit ${r.code}):\n${r.stderrTail}`);
  await writeFile(ready, JSON.stringify({ ...r.json, wallSeconds: r.wallSeconds }));
  return dir;
}
