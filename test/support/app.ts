/** Runs the real app in-process on a temp SQLite file (or a given store) on a loopback port. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { SqliteStore } from '../../src/app/sqlite.store.ts';
import type { Store } from '../../src/app/store.ts';
import { type Config, loadConfig } from '../../src/config/config.ts';
import { buildApp } from '../../src/web/app.ts';
import type { SiteOptions } from '../../src/web/site.ts';

export interface TestApp {
  url: string;
  store: Store;
  config: Config;
  app: FastifyInstance;
  dataDir: string;
  close(): Promise<void>;
}

const made: string[] = [];
// Every folder made here is removed when the test file's process ends, passed or failed (each
// test file runs in its own process), so no test leaves data behind; tests that write a lot
// (test/import/kill-resume.slow.test.ts) also remove theirs as soon as they are done.
process.on('exit', () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

export function tempDir(prefix = 'paperboy-test-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export async function startApp(
  options: {
    store?: Store;
    config?: Record<string, unknown>;
    /** Environment variables (PAPERBOY_*) the config reads; none from the real environment. */
    env?: Record<string, string>;
    siteOptions?: SiteOptions;
  } = {},
): Promise<TestApp> {
  const dataDir = tempDir();
  const config = loadConfig({
    env: options.env ?? {},
    flags: {
      data: dataDir,
      port: 0,
      logLevel: 'silent',
      // A test run shares two cores with another test file: load shedding and the search budget
      // would answer 503 for the machine's noise, so they are off unless a test sets them
      // (test/web/overload.test.ts, test/search/hostile-search.test.ts).
      overloadMaxEventLoopDelayMs: 0,
      searchBudgetMs: 60_000,
      ...options.config,
    },
  });
  const store = options.store ?? new SqliteStore(path.join(dataDir, 'paperboy.db'));
  const app = await buildApp({
    store,
    config,
    ...(options.siteOptions ? { siteOptions: options.siteOptions } : {}),
  });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url: address,
    store,
    config,
    app,
    dataDir,
    async close() {
      await app.close();
      if (!options.store) await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
