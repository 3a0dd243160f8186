/**
 * A paperboy data directory holding the generated corpus for the search benches, imported once
 * through the real CLI (`paperboy import`) and reused while the corpus and the importer's output
 * stay the same: /tmp/paperboy-bench-search/<count>-s<seed>/. Not under the import bench's
 * /tmp/paperboy-bench/<count>-s<seed>/, which that bench wipes when it rebuilds its databases.
 */
import path from 'node:path';
import { importedDataDir } from './common.ts';

export function searchDataDir(count: number, seed: number): Promise<string> {
  const dir = path.join('/tmp', 'paperboy-bench-search', `${count}-s${seed}`);
  return importedDataDir({
    count,
    seed,
    root: dir,
    dataDir: dir,
    marker: path.join(dir, 'imported.json'),
    env: { PAPERBOY_LOG_LEVEL: 'silent' },
  });
}
