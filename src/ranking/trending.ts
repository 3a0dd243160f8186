/**
 * Trending: upvotes decayed by age, as a score that never needs recomputing as time passes.
 *
 * What a reader expects is "votes, halved every HALF_LIFE_HOURS of age":
 *     decayed = (votes + VOTE_PRIOR) · 2^(−age / H),  age = now − enteredAt
 * Its logarithm is log2(votes + VOTE_PRIOR) + enteredAt/H − now/H. The last term is the same for
 * every paper at any instant, so ordering by
 *     score = log2(votes + VOTE_PRIOR) + (enteredAt − EPOCH) / H
 * gives exactly the decayed-votes order, at every moment, without touching stored rows when the
 * clock moves (the Reddit "hot" trick, made an exact equivalence). The score is stored per paper
 * and refreshed only when its votes change, so /trending is an indexed ORDER BY (lobsters keeps
 * its hotness the same way).
 *
 * `enteredAt` is when the paper entered the site: its first featuring, or its arXiv v1 date when it
 * was never featured (a vote on an old paper does not make it new).
 */

/** Every HALF_LIFE_HOURS of age halves a paper's weight: a day-old paper needs twice the votes. */
export const HALF_LIFE_HOURS = 24;
/** Added to the votes so a paper without votes still ranks, by recency, below voted peers. */
export const VOTE_PRIOR = 1;
/** Origin of the time term; any fixed instant works, a recent one keeps the numbers small. */
const EPOCH_MS = Date.UTC(2020, 0, 1);

const HOUR_MS = 3_600_000;

export interface TrendingInput {
  /** Local votes plus upvotes imported from a daily-papers list. */
  votes: number;
  /** ISO 8601 instant the paper entered the site. */
  enteredAt: string;
}

export function trendingScore({ votes, enteredAt }: TrendingInput): number {
  const t = Date.parse(enteredAt);
  if (!Number.isFinite(t)) throw new RangeError(`enteredAt is not a date: ${enteredAt}`);
  const v = Math.max(0, Math.floor(votes));
  return Math.log2(v + VOTE_PRIOR) + (t - EPOCH_MS) / (HALF_LIFE_HOURS * HOUR_MS);
}

/** The decayed vote count a score stands for at `now` (for explanations and tests). */
export function decayedVotes(score: number, now: number): number {
  return 2 ** (score - (now - EPOCH_MS) / (HALF_LIFE_HOURS * HOUR_MS)) - VOTE_PRIOR;
}
