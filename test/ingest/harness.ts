/** Shared set-up for ingestion tests: a temp SQLite store, a fast HTTP client, the fixture server. */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { SqliteStore } from '../../src/app/sqlite.store.ts';
import { HttpClient, type HttpClientOptions } from '../../src/ingest/http.ts';
import { type RunOptions, type RunSummary, runIngest } from '../../src/ingest/runner.ts';
import type { Source } from '../../src/ingest/source.ts';
import { tempDir } from '../support/app.ts';
import { type FixtureServer, type Routes, startFixtureServer } from '../support/fixture-server.ts';

export interface Harness {
  server: FixtureServer;
  store: SqliteStore;
  dataDir: string;
  http: HttpClient;
  run<S>(source: Source<S>, options?: Partial<RunOptions>): Promise<RunSummary>;
  close(): Promise<void>;
}

export async function harness(routes: Routes = {}, http: Partial<HttpClientOptions> = {}): Promise<Harness> {
  const server = await startFixtureServer(routes);
  const dataDir = tempDir('paperboy-ingest-');
  const store = new SqliteStore(path.join(dataDir, 'paperboy.db'));
  const client = new HttpClient({
    userAgent: 'paperboy-test/1.0 (tests@example.org)',
    intervalMs: 0,
    timeoutMs: 2_000,
    allowedBases: [server.url],
    maxRetries: 2,
    backoffMs: 20,
    ...http,
  });
  return {
    server,
    store,
    dataDir,
    http: client,
    run: (source, options = {}) => runIngest(source, { store, http: client, ...options }),
    async close() {
      await server.close();
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Every stored arXiv id with its version, sorted. */
export function storedIds(store: SqliteStore): { arxiv_id: string; version: number }[] {
  return store.db.prepare('SELECT arxiv_id, version FROM papers ORDER BY arxiv_id').all() as {
    arxiv_id: string;
    version: number;
  }[];
}
