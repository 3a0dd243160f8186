import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decayedVotes, HALF_LIFE_HOURS, trendingScore, VOTE_PRIOR } from './trending.ts';

const at = (hoursAfter: number) => new Date(Date.UTC(2025, 5, 1) + hoursAfter * 3_600_000).toISOString();

test('orders like votes halved every half-life of age (table)', () => {
  // [a, b, which ranks higher] — each row a claim a reader would make about the list.
  const rows: [{ votes: number; h: number }, { votes: number; h: number }, 'a' | 'b' | 'tie'][] = [
    [{ votes: 10, h: 0 }, { votes: 5, h: 0 }, 'a'], // same age: more votes wins
    [{ votes: 5, h: 0 }, { votes: 5, h: 1 }, 'b'], // same votes: newer wins
    // twice the votes (with the prior) one half-life older: exactly equal
    [{ votes: 2 * (3 + VOTE_PRIOR) - VOTE_PRIOR, h: 0 }, { votes: 3, h: HALF_LIFE_HOURS }, 'tie'],
    [{ votes: 100, h: 0 }, { votes: 10, h: 72 }, 'a'], // 3 days cost 8x; 101 > 8 * 11
    [{ votes: 50, h: 0 }, { votes: 3, h: 96 }, 'b'], // 4 days cost 16x; 51 < 16 * 4
    [{ votes: 0, h: 0 }, { votes: 0, h: 1 }, 'b'], // no votes: recency decides
    [{ votes: 1, h: 0 }, { votes: 0, h: 0 }, 'a'],
    [{ votes: -3, h: 0 }, { votes: 0, h: 0 }, 'tie'], // negative counts are treated as none
  ];
  for (const [a, b, want] of rows) {
    const sa = trendingScore({ votes: a.votes, enteredAt: at(a.h) });
    const sb = trendingScore({ votes: b.votes, enteredAt: at(b.h) });
    const got = Math.abs(sa - sb) < 1e-9 ? 'tie' : sa > sb ? 'a' : 'b';
    assert.equal(got, want, `${JSON.stringify(a)} vs ${JSON.stringify(b)}: ${sa} vs ${sb}`);
  }
});

test('the stored score is time-invariant: decayed votes at any instant follow from it', () => {
  const entered = at(0);
  const s = trendingScore({ votes: 7, enteredAt: entered });
  const t0 = Date.parse(entered);
  assert.ok(Math.abs(decayedVotes(s, t0) - 7) < 1e-9);
  assert.ok(Math.abs(decayedVotes(s, t0 + HALF_LIFE_HOURS * 3_600_000) - (8 / 2 - 1)) < 1e-9);
});

test('rejects a non-date', () => {
  assert.throws(() => trendingScore({ votes: 1, enteredAt: 'yesterday' }), RangeError);
});
