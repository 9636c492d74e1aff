// Probabilistic weighted pooling sorts every window: y = Σ_k w_k·a_(k) in float32 over the window
// in ascending order. Each backend and path is held to a plain reference sort, bit for bit, on
// windows full of NaN, ±0, ±Inf and ties: a NaN result (a NaN in the window, ∞ − ∞ or 0·∞ in the
// sum) is the one quiet NaN 0x7fc00000 everywhere. A window of 2^20 elements, which the former
// insertion sort took over a minute for on wasm, has to finish.
import { loadBackend, maxPoolDropout, weightedPoolingWeights } from '../../lib/index';
import type { PoolGeometry } from '../../lib/backends/interface';
import { forEachWindow } from '../../lib/backends/js/conv';
import { pooledSize } from '../../lib/backends/interface';
import { expectSameBits, variants } from '../helpers';

const f = Math.fround;

/** The weighted sum over the ascending order of `window` (any sort: equal values are interchangeable). */
function weightedSum(window: Float32Array, weights: Float32Array): number {
  const v = Float32Array.from(window).sort();
  let acc = 0;
  for (let k = 0; k < v.length; k++) acc = f(acc + f(weights[k] * v[k]));
  return Number.isNaN(acc) ? NaN : acc;
}

function reference(out: Float32Array, x: Float32Array, g: PoolGeometry, weights: Float32Array): void {
  const v = new Float32Array(g.kh * g.kw);
  forEachWindow(g, (o, start, xh, xw) => {
    let n = 0;
    for (let i = 0; i < g.kh; i++) for (let j = 0; j < g.kw; j++) v[n++] = x[start + i * xh + j * xw];
    out[o] = weightedSum(v, weights);
  });
}

/** A small deterministic generator, so a failure names a reproducible seed. */
function lcg(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0), s / 2 ** 32);
}

const SPECIALS = [0, -0, Infinity, -Infinity, 1, -1, 2, 0.5, 3, -3];
/** NaNs of other payloads and signs (a signalling one too): written as bits, as JS numbers cannot carry them. */
const NAN_BITS = [0x7fc00000, 0xffc00000, 0x7fc00001, 0xffd00abc, 0x7f800001];

/** Values drawn from SPECIALS and small floats, with a NaN in about one element in `nanEvery`. */
function hostileMap(n: number, seed: number, nanEvery: number): Float32Array {
  const r = lcg(seed);
  const x = new Float32Array(n),
    bits = new Uint32Array(x.buffer);
  for (let i = 0; i < n; i++) {
    const u = r();
    if (u < 1 / nanEvery) bits[i] = NAN_BITS[Math.floor(r() * NAN_BITS.length)];
    else x[i] = u < 0.6 ? SPECIALS[Math.floor(r() * SPECIALS.length)] : Math.round((r() * 2 - 1) * 64) / 8;
  }
  return x;
}

// Every window path: 2×2 (the sorting networks, both layouts), 1×4 and 4×1, short runs
// (insertion) and windows longer than 16 (the O(n log n) sort), overlapping and NHWC.
const geometries: PoolGeometry[] = [
  { n: 2, c: 3, h: 8, w: 10, kh: 2, kw: 2, sh: 2, sw: 2, channelsLast: false },
  { n: 2, c: 5, h: 7, w: 9, kh: 2, kw: 2, sh: 1, sw: 2, channelsLast: true },
  { n: 1, c: 4, h: 9, w: 12, kh: 1, kw: 4, sh: 2, sw: 1, channelsLast: false },
  { n: 1, c: 4, h: 12, w: 9, kh: 4, kw: 1, sh: 1, sw: 3, channelsLast: true },
  { n: 2, c: 3, h: 9, w: 9, kh: 3, kw: 3, sh: 1, sw: 1, channelsLast: false },
  { n: 1, c: 6, h: 11, w: 13, kh: 5, kw: 5, sh: 2, sw: 3, channelsLast: true },
  { n: 1, c: 2, h: 20, w: 21, kh: 1, kw: 20, sh: 3, sw: 1, channelsLast: false },
  { n: 1, c: 2, h: 16, w: 16, kh: 8, kw: 8, sh: 4, sw: 4, channelsLast: false },
  { n: 1, c: 1, h: 64, w: 64, kh: 32, kw: 32, sh: 16, sw: 16, channelsLast: false },
];

/** One window of 2^20 values with ties and ±0 (no NaN, so the order is the plain ascending one), and its sum. */
let big: { side: number; x: Float32Array; want: Float32Array } | undefined;
function bigWindow(): { side: number; x: Float32Array; want: Float32Array } {
  if (big) return big;
  const side = 1024,
    r = lcg(7);
  const x = Float32Array.from({ length: side * side }, (_, i) =>
    i % 97 === 0 ? (i & 1 ? -0 : 0) : Math.round((r() * 2 - 1) * 2 ** 20) / 64,
  );
  const want = Float32Array.of(weightedSum(x, Float32Array.from(weightedPoolingWeights(0.999, x.length))));
  return (big = { side, x, want });
}

describe.each(variants())('weightedPool on $label', (v) => {
  const b = loadBackend(v.name);

  test.each(geometries.map((g, i) => [i, g] as const))(
    'geometry %i: the ascending-order sum of a reference sort, bit for bit, with NaN, ±0, ±Inf and ties',
    (_, g) => {
      const len = g.n * g.c * g.h * g.w,
        outLen = g.n * g.c * pooledSize(g.h, g.kh, g.sh) * pooledSize(g.w, g.kw, g.sw);
      const n = g.kh * g.kw;
      for (let trial = 0; trial < 12; trial++) {
        // no NaN, rare NaN (most windows hold one or none), frequent NaN (many runs per window)
        const nanEvery = [Infinity, 4 * n, 6][trial % 3];
        const x = hostileMap(len, 1000 * trial + n, nanEvery);
        const p = [0.5, 0.1, 0.9, 0.25][trial % 4];
        const weights = Float32Array.from(weightedPoolingWeights(p, n));
        const want = new Float32Array(outLen),
          got = new Float32Array(outLen);
        reference(want, x, g, weights);
        v.run(() => b.weightedPool(got, x, g, weights));
        expectSameBits(got, want, `weightedPool trial ${trial}`);
      }
    },
  );

  test('a 1024×1024 window (quadratic before: more than a minute on wasm) gives the ascending-order sum', async () => {
    const { side, x, want } = bigWindow();
    const out = v.run(() =>
      maxPoolDropout(x, { shape: [1, 1, side, side], kernel: side, mode: 'eval', p: 0.999, backend: v.name }),
    );
    expectSameBits(out, want, 'the big window');
    // A synchronous call cannot be interrupted: yielding once lets jest's timeout fail this
    // test if the call overran it.
    await new Promise((resolve) => setTimeout(resolve, 0));
  });
});
