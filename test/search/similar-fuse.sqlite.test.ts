/** The fused similar-papers contract on the embedded SQLite store, in a fresh temp file. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import { SqliteStore } from '../../src/app/sqlite.store.ts';
import { runSimilarFuseContract } from './similar-fuse.contract.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'paperboy-similar-fuse-db-'));
after(() => rmSync(dir, { recursive: true, force: true }));

runSimilarFuseContract('sqlite', async () => new SqliteStore(path.join(dir, 'paperboy.db')));
