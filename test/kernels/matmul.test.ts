// The matmul kernel: every backend (and native instruction set) against float64, within a
// tolerance relative to Σ|terms|, for every transposition, odd sizes and accumulate/bias.
import { linear } from '../../lib/index';
import { backend, variants } from '../helpers';

function reference(
  a: Float32Array,
  b: Float32Array,
  bias: Float32Array | null,
  c0: Float32Array | null,
  m: number,
  n: number,
  k: number,
  ta: boolean,
  tb: boolean,
) {
  const value = new Float64Array(m * n),
    scale = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = (c0 ? c0[i * n + j] : 0) + (bias ? bias[j] : 0),
        t = Math.abs(s);
      for (let p = 0; p < k; p++) {
        const term = (ta ? a[p * m + i] : a[i * k + p]) * (tb ? b[j * k + p] : b[p * n + j]);
        s += term;
        t += Math.abs(term);
      }
      value[i * n + j] = s;
      scale[i * n + j] = t;
    }
  return { value, scale };
}

const rand = (n: number, seed: number): Float32Array => {
  let s = seed;
  return Float32Array.from({ length: n }, () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32 - 0.5);
};

describe.each(variants())('matmul on $label', (v) => {
  test.each([
    [1, 1, 1],
    [3, 5, 7],
    [13, 33, 257],
    [97, 65, 513],
    [12, 32, 300],
    [64, 40, 0],
  ])('m, n, k = %p, %p, %p', (m, n, k) => {
    for (const ta of [false, true])
      for (const tb of [false, true])
        for (const acc of [false, true]) {
          const a = rand(m * k, m + 1),
            b = rand(k * n, n + 2),
            bias = rand(n, 3),
            c = rand(m * n, 4);
          const out = c.slice();
          v.run(() => backend(v.name).matmul(out, a, b, bias, m, n, k, ta, tb, acc));
          const { value, scale } = reference(a, b, bias, acc ? c : null, m, n, k, ta, tb);
          let worst = 0;
          for (let i = 0; i < m * n; i++) worst = Math.max(worst, Math.abs(out[i] - value[i]) / (scale[i] + 1e-30));
          expect(worst).toBeLessThan(2 ** -20); // a few float32 roundings of the largest partial sum
        }
  });

  test('keep bits applied while packing equal multiplying by pre-masked b, bit for bit', () => {
    for (const [m, n, k] of [
      [5, 33, 70],
      [12, 40, 257],
      [1, 17, 9],
    ])
      for (const ta of [false, true])
        for (const tb of [false, true]) {
          const a = rand(m * k, 7),
            b = rand(k * n, 8);
          const keep = Uint32Array.from({ length: Math.ceil((k * n) / 32) }, (_, i) => Math.imul(i + 1, 2654435761) >>> 0);
          const scale = Math.fround(1 / 0.7);
          const masked = b.map((x, i) => ((keep[i >>> 5] >>> (i & 31)) & 1 ? Math.fround(x * scale) : 0));
          const viaKeep = new Float32Array(m * n),
            viaMasked = new Float32Array(m * n);
          v.run(() => backend(v.name).matmul(viaKeep, a, b, null, m, n, k, ta, tb, false, keep, scale));
          v.run(() => backend(v.name).matmul(viaMasked, a, masked, null, m, n, k, ta, tb, false));
          expect(Buffer.from(viaKeep.buffer).equals(Buffer.from(viaMasked.buffer))).toBe(true);
        }
  });

  test('linear checks shapes and rejects an out that overlaps an input', () => {
    const x = new Float32Array(6),
      W = new Float32Array(6);
    expect(() => linear(x, W, null, { inFeatures: 3, outFeatures: 2, backend: v.name })).not.toThrow();
    expect(() => linear(x, W, null, { inFeatures: 4, outFeatures: 2, backend: v.name })).toThrow(RangeError);
    expect(() => linear(x, W, new Float32Array(3), { inFeatures: 3, outFeatures: 2, backend: v.name })).toThrow(/bias/);
    expect(() => linear(x, W, null, { inFeatures: 3, outFeatures: 2, out: x.subarray(0, 4), backend: v.name })).toThrow(
      /overlap/,
    );
    expect(() => linear(x, W, null, { inFeatures: 0, outFeatures: 2, backend: v.name })).toThrow(/inFeatures/);
    expect(() => linear(x, W, null, { inFeatures: '3' as unknown as number, outFeatures: 2, backend: v.name })).toThrow(
      TypeError,
    );
  });
});
