/**
 * Seeded randomness for the corpus generator. mulberry32 is tiny, fast and good enough for
 * synthetic text; everything here is deterministic so the same seed gives byte-identical output.
 */

export type Rng = () => number;

/** Uniform [0, 1) from a 32-bit seed: the project's one PRNG, re-exported for the generator's modules. */
export { mulberry32 } from '../../src/shared/prng.ts';

/** A stateless 32-bit integer hash (lowbias32): lets the author pool be computed on demand. */
export function hash32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

export function int(rng: Rng, n: number): number {
  return (rng() * n) | 0;
}

export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[(rng() * items.length) | 0]!;
}

export function shuffle<T>(rng: Rng, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = (rng() * (i + 1)) | 0;
    const tmp = items[i]!;
    items[i] = items[j]!;
    items[j] = tmp;
  }
  return items;
}

/**
 * Zipf-like rank sampler over [0, n): P(r) ∝ 1/(r + q), by inverting the continuous CDF.
 * The inverse (an exp) is tabulated and linearly interpolated: ~10M draws per second are on the
 * hot path and a table read is several times cheaper than Math.exp (error < 1e-5 relative).
 * A larger q flattens the head (used for authors so the top author is not on 5% of papers).
 */
export function zipf(n: number, q = 1): (u: number) => number {
  const lo = Math.log(q);
  const span = Math.log(n + q) - lo;
  const K = 4096;
  const table = new Float64Array(K + 2);
  for (let k = 0; k <= K + 1; k++) table[k] = Math.exp(lo + (k / K) * span) - q;
  return (u) => {
    const f = u * K;
    const k = f | 0;
    const a = table[k]!;
    const r = (a + (f - k) * (table[k + 1]! - a)) | 0;
    return r < 0 ? 0 : r >= n ? n - 1 : r;
  };
}

/** Weighted choice by binary search over a cumulative array (per paper, not per word). */
export function cumulative(weights: readonly number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let sum = 0;
  weights.forEach((w, i) => {
    sum += w;
    out[i] = sum;
  });
  for (let i = 0; i < out.length; i++) out[i] = out[i]! / sum;
  return out;
}

export function pickCumulative(cum: Float64Array, u: number): number {
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cum[mid]! > u) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
