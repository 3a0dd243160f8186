/**
 * Truncated SVD of a sparse matrix by randomized range finding (Halko, Martinsson & Tropp 2011),
 * in plain TypeScript with typed arrays. Works on the column (term) side: the range of AᵀA is
 * found with a few sparse passes, so memory is O((rows + cols) · (k + oversampling)).
 */
import { mulberry32 } from '../../shared/prng.ts';

/** Compressed sparse rows: row i has entries ptr[i]..ptr[i+1] of (col, val). */
export interface Csr {
  rows: number;
  cols: number;
  ptr: Int32Array;
  col: Int32Array;
  val: Float32Array;
}

export interface SvdResult {
  /** cols × k, row-major: the top right singular vectors (one row per column of A). */
  v: Float32Array;
  /** The k singular values, largest first. */
  s: Float64Array;
  k: number;
}

/** out (rows × l) = A · x (cols × l). */
function mulA(a: Csr, x: Float64Array, l: number): Float64Array {
  const out = new Float64Array(a.rows * l);
  const acc = new Float64Array(l);
  const { ptr, col, val } = a;
  for (let i = 0; i < a.rows; i++) {
    acc.fill(0);
    const end = ptr[i + 1]!;
    for (let p = ptr[i]!; p < end; p++) {
      const w = val[p]!;
      const xo = col[p]! * l;
      for (let j = 0; j < l; j++) acc[j]! += w * x[xo + j]!;
    }
    out.set(acc, i * l);
  }
  return out;
}

/** out (cols × l) = Aᵀ · y (rows × l). */
function mulAt(a: Csr, y: Float64Array, l: number): Float64Array<ArrayBuffer> {
  const out = new Float64Array(a.cols * l);
  const row = new Float64Array(l);
  const { ptr, col, val } = a;
  for (let i = 0; i < a.rows; i++) {
    row.set(y.subarray(i * l, (i + 1) * l));
    const end = ptr[i + 1]!;
    for (let p = ptr[i]!; p < end; p++) {
      const w = val[p]!;
      const o = col[p]! * l;
      for (let j = 0; j < l; j++) out[o + j]! += w * row[j]!;
    }
  }
  return out;
}

/** G = XᵀX for X (n × l), in float64. */
function gram(x: Float64Array, n: number, l: number): Float64Array {
  const g = new Float64Array(l * l);
  const row = new Float64Array(l);
  for (let i = 0; i < n; i++) {
    const o = i * l;
    for (let j = 0; j < l; j++) row[j] = x[o + j]!;
    for (let a = 0; a < l; a++) {
      const ra = row[a]!;
      if (ra === 0) continue;
      const go = a * l;
      for (let b = a; b < l; b++) g[go + b]! += ra * row[b]!;
    }
  }
  for (let a = 0; a < l; a++) for (let b = 0; b < a; b++) g[a * l + b] = g[b * l + a]!;
  return g;
}

/**
 * Orthonormalizes the columns of X (n × l) in place by Cholesky QR, done twice for stability.
 * Columns that are numerically dependent become zero instead of blowing up.
 */
function orthonormalize(x: Float64Array, n: number, l: number): void {
  for (let pass = 0; pass < 2; pass++) {
    const g = gram(x, n, l);
    // Cholesky G = RᵀR (R upper triangular), skipping (zeroing) non-positive pivots.
    const r = new Float64Array(l * l);
    for (let j = 0; j < l; j++) {
      let d = g[j * l + j]!;
      for (let k = 0; k < j; k++) d -= r[k * l + j]! ** 2;
      const scale = g[j * l + j]! || 1;
      if (d <= 1e-10 * scale) continue;
      const rjj = Math.sqrt(d);
      r[j * l + j] = rjj;
      for (let c = j + 1; c < l; c++) {
        let s = g[j * l + c]!;
        for (let k = 0; k < j; k++) s -= r[k * l + j]! * r[k * l + c]!;
        r[j * l + c] = s / rjj;
      }
    }
    // X ← X R⁻¹, row by row (forward substitution on each row).
    const row = new Float64Array(l);
    for (let i = 0; i < n; i++) {
      const o = i * l;
      for (let j = 0; j < l; j++) {
        const rjj = r[j * l + j]!;
        if (rjj === 0) {
          row[j] = 0;
          continue;
        }
        let s = x[o + j]!;
        for (let k = 0; k < j; k++) s -= row[k]! * r[k * l + j]!;
        row[j] = s / rjj;
      }
      for (let j = 0; j < l; j++) x[o + j] = row[j]!;
    }
  }
}

/** Eigen-decomposition of a symmetric matrix (cyclic Jacobi). Returns values and column vectors. */
function symmetricEigen(m: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(m);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q]! ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * n + q]! - a[p * n + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]!;
          const akq = a[k * n + q]!;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]!;
          const aqk = a[q * n + k]!;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!;
          const vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = a[i * n + i]!;
  return { values, vectors: v };
}

export interface SvdOptions {
  k: number;
  oversample?: number;
  powerIterations?: number;
  seed?: number;
  /** Called after each sparse pass (for progress bars). */
  onPass?: (done: number, total: number) => void;
}

export function randomizedSvd(a: Csr, opts: SvdOptions): SvdResult {
  const k = Math.min(opts.k, a.cols, a.rows);
  const l = Math.min(k + (opts.oversample ?? 16), a.cols, a.rows);
  const q = opts.powerIterations ?? 2;
  const rng = mulberry32(opts.seed ?? 1);
  const total = 2 * (q + 1) + 1;
  let done = 0;
  const tick = () => opts.onPass?.(++done, total);
  let y: Float64Array = new Float64Array(a.cols * l);
  for (let i = 0; i < y.length; i++) y[i] = gaussian(rng);
  for (let it = 0; it <= q; it++) {
    const ay = mulA(a, y, l);
    tick();
    y = mulAt(a, ay, l);
    tick();
    orthonormalize(y, a.cols, l);
  }
  // A ≈ A Q Qᵀ; the SVD of C = A Q (rows × l) comes from the eigenvectors of CᵀC.
  const c = mulA(a, y, l);
  tick();
  const { values, vectors } = symmetricEigen(gram(c, a.rows, l), l);
  const order = [...values.keys()].sort((i, j) => values[j]! - values[i]!).slice(0, k);
  const v = new Float32Array(a.cols * k);
  for (let t = 0; t < a.cols; t++) {
    for (let r = 0; r < k; r++) {
      const e = order[r]!;
      let s = 0;
      for (let j = 0; j < l; j++) s += y[t * l + j]! * vectors[j * l + e]!;
      v[t * k + r] = s;
    }
  }
  const s = Float64Array.from(order, (e) => Math.sqrt(Math.max(0, values[e]!)));
  return { v, s, k };
}

function gaussian(rng: () => number): number {
  const u = 1 - rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}
