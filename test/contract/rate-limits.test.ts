/**
 * Rate limits shared by the instances of one store (issue 18 item 5): the limiter of each
 * "instance" (its own RateLimiter, and on PostgreSQL its own pool) counts into the same windows,
 * so hits spread over them are limited as one. On SQLite one process serves the file and the
 * windows live in its memory (src/users/rate-limits.memory.ts); on PostgreSQL in the
 * `rate_limits` table (migration 018).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { openPostgresStore } from '../../src/app/postgres.store.ts';
import type { Store } from '../../src/app/store.ts';
import { RateLimitedError } from '../../src/errors.ts';
import { RateLimiter } from '../../src/users/rate-limit.ts';
import { pgStore, sqliteStore } from '../digest/helpers.ts';

const LIMIT = { max: 5, windowMs: 60_000 };

/** Two instances' stores on one database, and the way to put them away. */
const setups: [string, () => Promise<{ a: Store; b: Store; close(): Promise<void> }>][] = [
  [
    'sqlite',
    async () => {
      const { store, dir } = sqliteStore();
      return {
        a: store,
        b: store,
        async close() {
          await store.close();
          const { rmSync } = await import('node:fs');
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  ],
  [
    'postgres',
    async () => {
      const p = await pgStore();
      const b = await openPostgresStore(p.url);
      return {
        a: p.store,
        b,
        async close() {
          await b.close();
          await p.drop();
        },
      };
    },
  ],
];

for (const [dialect, open] of setups) {
  describe(`rate limits on ${dialect}`, () => {
    test('hits spread over two instances are limited as one window', async () => {
      const s = await open();
      try {
        let now = 1_000_000;
        const clock = () => now;
        const a = new RateLimiter({ now: clock, repo: s.a.rateLimits });
        const b = new RateLimiter({ now: clock, repo: s.b.rateLimits });
        const key = `login:ip:198.51.100.${dialect.length}`;
        const counts: number[] = [];
        for (let i = 0; i < LIMIT.max; i++) counts.push((await (i % 2 ? b : a).hit(key, LIMIT)).count);
        assert.deepEqual(counts, [1, 2, 3, 4, 5]);
        // The sixth, on either instance, is over the limit; peek sees it without counting.
        assert.equal((await b.peek(key, LIMIT)).allowed, false);
        await assert.rejects(a.check(key, LIMIT), RateLimitedError);
        const over = await b.hit(key, LIMIT);
        assert.equal(over.allowed, false);
        assert.equal(over.count, 7);
        assert.equal(over.resetSeconds, 60);
        // The window ends for both at once, and starts over with this hit as its first.
        now += LIMIT.windowMs;
        assert.equal((await a.peek(key, LIMIT)).allowed, true);
        const fresh = await b.hit(key, LIMIT);
        assert.deepEqual([fresh.allowed, fresh.count, fresh.remaining], [true, 1, 4]);
        assert.equal((await a.hit(`${key}:other`, LIMIT)).count, 1, 'keys count apart');
      } finally {
        await s.close();
      }
    });

    test('concurrent hits from both instances are each counted exactly once', async () => {
      const s = await open();
      try {
        const a = new RateLimiter({ repo: s.a.rateLimits });
        const b = new RateLimiter({ repo: s.b.rateLimits });
        const limit = { max: 30, windowMs: 60_000 };
        const states = await Promise.all(
          Array.from({ length: 50 }, (_, i) => (i % 2 ? a : b).hit('vote:42', limit)),
        );
        const counts = states.map((x) => x.count).sort((x, y) => x - y);
        assert.deepEqual(
          counts,
          Array.from({ length: 50 }, (_, i) => i + 1),
        );
        assert.equal(states.filter((x) => x.allowed).length, 30);
      } finally {
        await s.close();
      }
    });

    test('ended windows are swept', async () => {
      const s = await open();
      try {
        await s.a.rateLimits.hit('search:203.0.113.1', 1000, 60_000);
        await s.a.rateLimits.hit('search:203.0.113.2', 50_000, 60_000);
        await s.b.rateLimits.sweep(61_000);
        assert.equal(await s.a.rateLimits.peek('search:203.0.113.1'), null);
        assert.deepEqual(await s.a.rateLimits.peek('search:203.0.113.2'), {
          start: 50_000,
          windowMs: 60_000,
          count: 1,
        });
      } finally {
        await s.close();
      }
    });
  });
}
