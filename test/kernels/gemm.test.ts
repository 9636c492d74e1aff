// The blocked GEMM's paths on every backend and instruction set: the unpacked dot products (few
// rows against W stored n x k), the packed tiles with edge rows and columns, depths past one packed
// block, more rows than one row block, keep bits applied while packing, and the same bits for
// every thread count (threads take tiles as they finish, so any assignment must agree).
import { availableBackends, getThreads, setThreads } from '../../lib/index';
import { backend, compiled, variants } from '../helpers';

const rand = (n: number, seed: number): Float32Array => {
  let s = seed;
  return Float32Array.from({ length: n }, () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32 - 0.5);
};
const keepBits = (n: number, seed: number): Uint32Array =>
  Uint32Array.from({ length: Math.ceil(n / 32) }, (_, i) => Math.imul(i + seed, 2654435761) >>> 0);
const bytes = (a: ArrayBufferView): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

interface Case {
  m: number;
  n: number;
  k: number;
  ta: boolean;
  tb: boolean;
}

/** Worst |error| / Σ|terms| against float64, with the keep bits and scale applied to b. */
function worstError(
  out: Float32Array,
  c0: Float32Array | null,
  a: Float32Array,
  b: Float32Array,
  bias: Float32Array | null,
  { m, n, k, ta, tb }: Case,
  keep?: Uint32Array,
  scale = 1,
): number {
  let worst = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = (c0 ? c0[i * n + j] : 0) + (bias ? bias[j] : 0);
      let t = Math.abs(s);
      for (let p = 0; p < k; p++) {
        const bi = tb ? j * k + p : p * n + j;
        const bv = keep ? ((keep[bi >>> 5] >>> (bi & 31)) & 1 ? Math.fround(b[bi] * scale) : 0) : b[bi];
        const term = (ta ? a[p * m + i] : a[i * k + p]) * bv;
        s += term;
        t += Math.abs(term);
      }
      worst = Math.max(worst, Math.abs(out[i * n + j] - s) / (t + 1e-30));
    }
  }
  return worst;
}

// Shapes that reach each path: dot products (m <= 4, or k > 32 m with W stored n x k), packed
// tiles with edge rows (m not a multiple of 12, 6 or 4) and columns, depths over one packed block
// (k > 1024), and more rows than one L2 row block (m > 300 with a deep k).
const SHAPES: Array<[number, number, number]> = [
  [1, 37, 1100],
  [3, 70, 129],
  [8, 33, 300],
  [8, 40, 257],
  [13, 65, 33],
  [25, 97, 1030],
  [64, 48, 64],
  [131, 35, 70],
  [2, 5, 3],
];

describe.each(variants())('gemm paths on $label', (v) => {
  test.each(SHAPES)('m, n, k = %p, %p, %p: every layout, bias, accumulate, keep bits', (m, n, k) => {
    const big = m * n * k > 2e5;
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        const shape = { m, n, k, ta, tb };
        const a = rand(m * k, m + 11),
          b = rand(k * n, n + 12),
          bias = rand(n, 13),
          c = rand(m * n, 14);
        const keep = keepBits(k * n, k),
          scale = Math.fround(1 / 0.6);
        const plain = c.slice();
        v.run(() => backend(v.name).matmul(plain, a, b, bias, m, n, k, ta, tb, true));
        expect(worstError(plain, c, a, b, bias, shape)).toBeLessThan(2 ** -20);
        if (big && (ta || !tb)) continue; // the keep-bit checks below on the dense layers' layout only, for time
        const masked = new Float32Array(m * n);
        v.run(() => backend(v.name).matmul(masked, a, b, null, m, n, k, ta, tb, false, keep, scale));
        expect(worstError(masked, null, a, b, null, shape, keep, scale)).toBeLessThan(2 ** -20);
        const pre = b.map((x, i) => ((keep[i >>> 5] >>> (i & 31)) & 1 ? Math.fround(x * scale) : 0));
        const viaPre = new Float32Array(m * n);
        v.run(() => backend(v.name).matmul(viaPre, a, pre, null, m, n, k, ta, tb, false));
        expect(bytes(masked).equals(bytes(viaPre))).toBe(true);
      }
    }
  });

  test('a product with rows of k = 0 is bias (+ C); m or n = 0 writes nothing', () => {
    const c = rand(6, 1),
      bias = Float32Array.of(1, 2, 3);
    const out = c.slice();
    v.run(() => backend(v.name).matmul(out, new Float32Array(0), new Float32Array(0), bias, 2, 3, 0, false, true, true));
    for (let i = 0; i < 6; i++) expect(out[i]).toBe(Math.fround(c[i] + bias[i % 3]));
    const empty = new Float32Array(0);
    expect(() => v.run(() => backend(v.name).matmul(empty, empty, rand(12, 2), null, 0, 3, 4, false, true, false))).not.toThrow();
  });
});

const describeNative = availableBackends().includes('native') ? describe : describe.skip;

describeNative('gemm threads', () => {
  const initial = getThreads();
  afterAll(() => setThreads(initial));

  test.each(
    compiled()
      .filter((v) => v.name === 'native')
      .map((v) => [v.label, v] as const),
  )('every path gives the same bits on 1, 2, 3 and 4 threads (%s)', (_label, v) => {
    for (const [m, n, k] of [
      [4, 300, 700],
      [16, 260, 1500],
      [64, 257, 300],
      [300, 100, 600],
      [97, 33, 40],
    ]) {
      for (const [ta, tb] of [
        [false, true],
        [false, false],
        [true, false],
      ]) {
        const a = rand(m * k, 1),
          b = rand(k * n, 2),
          bias = rand(n, 3),
          keep = keepBits(k * n, 4);
        const run = (t: number): Float32Array => {
          setThreads(t);
          const out = new Float32Array(m * n);
          v.run(() => backend('native').matmul(out, a, b, bias, m, n, k, ta, tb, false, keep, 1.5));
          return out;
        };
        const one = run(1);
        for (const t of [2, 3, 4]) expect(bytes(run(t)).equals(bytes(one))).toBe(true);
      }
    }
  });
});
