/**
 * int8 vectors: each component scaled so the largest magnitude is 127. Cosine similarity ignores
 * the scale, so nothing else is stored: 1M papers × 128 dimensions is 128 MB, a quarter of float32.
 */
export function toInt8(v: Float32Array): Int8Array {
  let max = 0;
  for (let i = 0; i < v.length; i++) max = Math.max(max, Math.abs(v[i]!));
  const out = new Int8Array(v.length);
  if (max === 0) return out;
  const s = 127 / max;
  for (let i = 0; i < v.length; i++) out[i] = Math.round(v[i]! * s);
  return out;
}

/** Back to [-1, 1] floats, the input range usearch's i8 quantization expects. */
export function toUnitFloat(v: Int8Array, out = new Float32Array(v.length)): Float32Array {
  for (let i = 0; i < v.length; i++) out[i] = v[i]! / 127;
  return out;
}

export function int8Norm(v: Int8Array, offset = 0, dims = v.length): number {
  let s = 0;
  for (let i = 0; i < dims; i++) s += v[offset + i]! * v[offset + i]!;
  return Math.sqrt(s);
}
