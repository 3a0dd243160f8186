/** Shared setup for the digest tests: config, papers of a period, confirmed subscribers, PostgreSQL schemas. */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { openPostgresStore } from '../../src/app/postgres.store.ts';
import { SqliteStore } from '../../src/app/sqlite.store.ts';
import type { Store } from '../../src/app/store.ts';
import { type Config, loadConfig } from '../../src/config/config.ts';
import type { Preferences, Subscriber } from '../../src/digest/types.ts';
import { tempDir } from '../support/app.ts';
import { makePaper } from '../support/papers.ts';

/** A Wednesday: daily subscribers are due, and weekly ones with weekday 3. */
export const SLOT_DAY = '2026-01-07';
export const SLOT_MS = Date.parse(`${SLOT_DAY}T06:00:00Z`);

export function digestConfig(data: string, extra: Record<string, unknown> = {}): Config {
  return loadConfig({
    env: {},
    flags: {
      data,
      logLevel: 'silent',
      baseUrl: 'https://paperboy.test',
      siteName: 'paperboy',
      mailFrom: 'paperboy <digest@paperboy.test>',
      digestTime: '06:00',
      digestTimeZone: 'UTC',
      digestRetryBaseMs: 20,
      digestBreakerPauseMs: 300,
      digestBreakerFailures: 3,
      digestLeaseMs: 2000,
      smtpTimeoutMs: 1000,
      ...extra,
    },
  });
}

export const defaultPrefs = (over: Partial<Preferences> = {}): Preferences => ({
  frequency: 'daily',
  weekday: 3,
  paperCount: 5,
  interests: { categories: [], keywords: [], authors: [] },
  ...over,
});

const TOPICS = [
  'diffusion models',
  'graph neural networks',
  'reinforcement learning',
  'protein folding',
  'language models',
  'quantum error correction',
];
const CATS = ['cs.LG', 'cs.CV', 'cs.CL', 'q-bio.BM', 'quant-ph', 'stat.ML'];

/** `n` papers submitted in the two days before the slot, a third of them featured the day before. */
export async function seedPapers(store: Store, n = 24, slotMs = SLOT_MS): Promise<string[]> {
  const ids: string[] = [];
  const inputs = Array.from({ length: n }, (_, i) => {
    const arxivId = `2601.${String(10_000 + i).padStart(5, '0')}`;
    ids.push(arxivId);
    const at = new Date(slotMs - 2 * 86_400_000 + i * 3_600_000).toISOString();
    return makePaper({
      arxivId,
      title: `On ${TOPICS[i % TOPICS.length]}: result ${i}`,
      abstract: `We study ${TOPICS[i % TOPICS.length]} and report result number ${i}.`,
      authors: [
        {
          name: i % 4 === 0 ? 'Geoffrey Hinton' : `Author ${i}`,
          keyname: i % 4 === 0 ? 'Hinton' : `Author${i}`,
          forenames: '',
          suffix: '',
          affiliation: null,
        },
      ],
      categories: [CATS[i % CATS.length]!],
      versions: [{ version: 1, createdAt: at }],
      submittedAt: at,
      updatedAt: at,
    });
  });
  await store.papers.upsertMany(inputs);
  for (let i = 0; i < n; i += 3) {
    await store.papers.feature({
      arxivId: ids[i]!,
      day: new Date(slotMs - 86_400_000).toISOString().slice(0, 10),
      source: 'import',
      submittedBy: null,
      importedUpvotes: 100 - i,
    });
  }
  return ids;
}

/** A confirmed subscriber, through the same repository calls as the web flow. */
export async function addConfirmed(
  store: Store,
  email: string,
  prefs: Preferences = defaultPrefs(),
  now = SLOT_MS - 10 * 86_400_000,
): Promise<Subscriber> {
  const { subscriber } = await store.digest.requestSubscription(email, prefs, now, now + 7 * 86_400_000);
  await store.digest.confirm(subscriber.id, now);
  return (await store.digest.subscriber(subscriber.id))!;
}

export function sqliteStore(): { store: SqliteStore; dir: string; file: string } {
  const dir = tempDir('paperboy-digest-');
  const file = path.join(dir, 'paperboy.db');
  return { store: new SqliteStore(file), dir, file };
}

let pgBase: string | undefined;

/** The test server's URL: PAPERBOY_TEST_PG_URL or the throwaway cluster (never skipped). */
function pgServerUrl(): string {
  if (pgBase) return pgBase;
  const fromEnv = process.env.PAPERBOY_TEST_PG_URL;
  if (fromEnv) {
    pgBase = fromEnv;
    return pgBase;
  }
  const script = path.join(import.meta.dirname, '../../scripts/pg-test-cluster.sh');
  const out = execFileSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const url = out.trim().split('\n').pop();
  if (!url?.startsWith('postgres://')) throw new Error(`pg-test-cluster.sh printed no URL: ${out}`);
  pgBase = url;
  return url;
}

/** A PostgreSQL store in a fresh schema; `url` reaches the same schema (for child processes). */
export async function pgStore(): Promise<{ store: Store; url: string; drop(): Promise<void> }> {
  const base = pgServerUrl();
  const schema = `digest_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const u = new URL(base);
  u.searchParams.set('options', `-c search_path=${schema}`);
  const url = u.toString();
  const store = await openPostgresStore(url);
  return {
    store,
    url,
    async drop() {
      await store.close();
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    },
  };
}

/** A throwaway store and the one way to put it away (its folder or its schema goes with it). */
export interface TestStore {
  store: Store;
  close(): Promise<void>;
}

/** A fresh store of each dialect, for tests that run one suite against both. */
export const bothStores: readonly (readonly ['sqlite' | 'postgres', () => Promise<TestStore>])[] = [
  [
    'sqlite',
    async () => {
      const { store, dir } = sqliteStore();
      return {
        store,
        close: async () => {
          await store.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  ],
  [
    'postgres',
    async () => {
      const { store, drop } = await pgStore();
      return { store, close: drop };
    },
  ],
];

/** The next weekday after today (UTC), so a real-clock run is neither expired nor skipped. */
export function nextWeekday(): { day: string; slotMs: number } {
  let t = Date.now() + 86_400_000;
  while ([0, 6].includes(new Date(t).getUTCDay())) t += 86_400_000;
  const day = new Date(t).toISOString().slice(0, 10);
  return { day, slotMs: Date.parse(`${day}T06:00:00Z`) };
}
