// The feature-map kernels of every compiled backend against the js reference, bit for bit, on
// geometries that reach every code path: both layouts, channel tails, overlapping windows,
// masks present or absent, ties and NaN.
import { loadBackend, normal, randomBits } from '../../lib/index';
import type { PoolGeometry } from '../../lib/backends/interface';
import { pooledSize } from '../../lib/backends/interface';
import { compiled, expectSameBits } from '../helpers';

const js = loadBackend('js');
/** Small integers (many ties) with a NaN and ±0 sprinkled in. */
function tieHeavy(n: number, seed: number): Float32Array {
  const w = randomBits(n, { seed });
  const x = Float32Array.from(w, (v) => (v % 7) - 3);
  if (n > 10) {
    x[3] = NaN;
    x[7] = -0;
  }
  return x;
}

const pools: PoolGeometry[] = [
  { n: 2, c: 3, h: 7, w: 9, kh: 2, kw: 2, sh: 2, sw: 2, channelsLast: false },
  { n: 2, c: 3, h: 7, w: 9, kh: 2, kw: 2, sh: 2, sw: 2, channelsLast: true },
  { n: 1, c: 13, h: 8, w: 8, kh: 3, kw: 3, sh: 1, sw: 2, channelsLast: true },
  { n: 3, c: 5, h: 6, w: 11, kh: 3, kw: 2, sh: 1, sw: 1, channelsLast: false },
  { n: 2, c: 64, h: 10, w: 10, kh: 2, kw: 2, sh: 2, sw: 2, channelsLast: true },
  { n: 1, c: 2, h: 5, w: 5, kh: 5, kw: 5, sh: 1, sw: 1, channelsLast: false },
];

describe.each(compiled())('feature-map kernels on $label match js', (v) => {
  const b = loadBackend(v.name);

  test.each(pools)('maxPool and weightedPool %#', (g) => {
    const len = g.n * g.c * g.h * g.w;
    const outLen = g.n * g.c * pooledSize(g.h, g.kh, g.sh) * pooledSize(g.w, g.kw, g.sw);
    for (const data of [tieHeavy(len, 1), normal(len, { seed: 2 })]) {
      for (const keep of [null, randomBits(Math.ceil(len / 32), { seed: 3 })]) {
        for (const withArg of [false, true]) {
          const want = new Float32Array(outLen),
            got = new Float32Array(outLen);
          const wantArg = withArg ? new Int32Array(outLen) : null,
            gotArg = withArg ? new Int32Array(outLen) : null;
          js.maxPool(want, data, keep, g, 0.75, wantArg);
          v.run(() => b.maxPool(got, data, keep, g, 0.75, gotArg));
          expectSameBits(got, want, 'maxPool');
          if (withArg) expectSameBits(gotArg!, wantArg!, 'argmax');
        }
      }
      const weights = Float32Array.from({ length: g.kh * g.kw }, (_, k) => 0.3 * 0.7 ** (g.kh * g.kw - 1 - k));
      const want = new Float32Array(outLen),
        got = new Float32Array(outLen);
      js.weightedPool(want, data, g, weights);
      v.run(() => b.weightedPool(got, data, g, weights));
      expectSameBits(got, want, 'weightedPool');
    }
  });

  test.each([
    [2, 3, 14, 14, 7, false],
    [2, 3, 14, 14, 7, true],
    [1, 1, 9, 5, 3, false],
    [3, 4, 6, 6, 6, true],
    [1, 2, 8, 13, 1, false],
  ] as const)('dropBlockMask n=%d c=%d %dx%d size %d channelsLast %s', (n, c, h, w, size, channelsLast) => {
    const g = { n, c, h, w, size, channelsLast };
    const seedsLen = n * c * (h - size + 1) * (w - size + 1);
    const seeds = Uint8Array.from(randomBits(seedsLen, { seed: h * w }), (x) => (x % 9 === 0 ? 1 : 0));
    const want = new Uint8Array(n * c * h * w),
      got = new Uint8Array(n * c * h * w);
    const ones = js.dropBlockMask(want, seeds, g);
    expect(v.run(() => b.dropBlockMask(got, seeds, g))).toBe(ones);
    expectSameBits(got, want, 'dropBlockMask');
  });

  test('argmaxPlanes: feature and channel planes of both layouts, with ties, NaN and selection', () => {
    const [n, c, h, w] = [2, 5, 4, 3];
    const x = tieHeavy(n * c * h * w, 9);
    const select = Uint8Array.from(randomBits(n * h * w, { seed: 4 }), (s) => s & 1);
    const geometries = [
      { outer: n * c, inner: 1, outerStride: h * w, innerStride: 0, count: h * w, elemStride: 1 },
      { outer: n, inner: c, outerStride: h * w * c, innerStride: 1, count: h * w, elemStride: c },
      { outer: n, inner: h * w, outerStride: c * h * w, innerStride: 1, count: c, elemStride: h * w },
      { outer: n * h * w, inner: 1, outerStride: c, innerStride: 0, count: c, elemStride: 1 },
    ];
    for (const g of geometries) {
      for (const sel of [null, select.subarray(0, g.outer * g.inner)]) {
        const want = new Int32Array(g.outer * g.inner),
          got = new Int32Array(g.outer * g.inner);
        js.argmaxPlanes(want, x, sel, g);
        v.run(() => b.argmaxPlanes(got, x, sel, g));
        expectSameBits(got, want, 'argmaxPlanes');
      }
    }
  });

  test('tensors larger than one wasm group (examples not aligned to keep words) give the same bits', () => {
    const g = { n: 40, c: 3, h: 97, w: 101, kh: 3, kw: 3, sh: 2, sw: 2, channelsLast: false };
    const len = g.n * g.c * g.h * g.w,
      outLen = g.n * g.c * pooledSize(97, 3, 2) * pooledSize(101, 3, 2);
    const x = normal(len, { seed: 8 }),
      keep = randomBits(Math.ceil(len / 32), { seed: 9 });
    const want = new Float32Array(outLen),
      got = new Float32Array(outLen);
    const wantArg = new Int32Array(outLen),
      gotArg = new Int32Array(outLen);
    js.maxPool(want, x, keep, g, 1, wantArg);
    v.run(() => b.maxPool(got, x, keep, g, 1, gotArg));
    expectSameBits(got, want, 'maxPool');
    expectSameBits(gotArg, wantArg, 'argmax');
    const [N, C, H, W] = [g.n, g.c, g.h, g.w];
    for (const pg of [
      { outer: N * C, inner: 1, outerStride: H * W, innerStride: 0, count: H * W, elemStride: 1 },
      { outer: N, inner: C, outerStride: H * W * C, innerStride: 1, count: H * W, elemStride: C },
      { outer: N, inner: H * W, outerStride: C * H * W, innerStride: 1, count: C, elemStride: H * W },
      { outer: N * H * W, inner: 1, outerStride: C, innerStride: 0, count: C, elemStride: 1 },
    ]) {
      const sel = Uint8Array.from(randomBits(pg.outer * pg.inner, { seed: 10 }), (s) => s & 1);
      const a0 = new Int32Array(pg.outer * pg.inner),
        a1 = new Int32Array(pg.outer * pg.inner);
      js.argmaxPlanes(a0, x, sel, pg);
      v.run(() => b.argmaxPlanes(a1, x, sel, pg));
      expectSameBits(a1, a0, 'argmaxPlanes');
    }
    const mask = Uint8Array.from(keep.subarray(0, g.n * g.c), (s) => s & 1);
    const a = new Float32Array(len),
      c = new Float32Array(len);
    js.maskApply(a, x, mask, g.h * g.w, 1, 2, 0);
    v.run(() => b.maskApply(c, x, mask, g.h * g.w, 1, 2, 0));
    expectSameBits(c, a, 'maskApply');
  });

  test('argmaxPlanes on long unit-stride planes (the two-pass vector path) with ties, ±0 and NaN', () => {
    for (const [outer, count] of [
      [6, 400],
      [50, 70],
      [3, 64],
      [4, 1000],
    ]) {
      const x = tieHeavy(outer * count, outer + count);
      x[count] = NaN; // a plane that starts with NaN
      x[2 * count + 5] = NaN;
      const g = { outer, inner: 1, outerStride: count, innerStride: 0, count, elemStride: 1 };
      const want = new Int32Array(outer),
        got = new Int32Array(outer);
      js.argmaxPlanes(want, x, null, g);
      v.run(() => b.argmaxPlanes(got, x, null, g));
      expectSameBits(got, want, `argmaxPlanes ${outer}×${count}`);
    }
  });

  test('maskedGemv: per-example masked products within float32 rounding of js, for din that splits words', () => {
    for (const [batch, rows, din] of [
      [3, 29, 37],
      [2, 40, 64],
      [5, 7, 100],
    ]) {
      const xs = normal(batch * din, { seed: din }),
        w = normal(rows * din, { seed: rows });
      const stride = Math.ceil((rows * din) / 32) + 1;
      const keep = randomBits(batch * stride, { seed: batch });
      const biases = normal(batch * rows, { seed: 3 });
      const want = new Float32Array(batch * rows),
        got = new Float32Array(batch * rows);
      js.maskedGemv(want, xs, w, biases, batch, rows, din, keep, stride, 1.5);
      v.run(() => b.maskedGemv(got, xs, w, biases, batch, rows, din, keep, stride, 1.5));
      for (let i = 0; i < want.length; i++) {
        const scale = Array.from({ length: din }, (_, k) =>
          Math.abs(w[(i % rows) * din + k] * xs[Math.floor(i / rows) * din + k]),
        ).reduce((s, q) => s + q, 1);
        expect(Math.abs(got[i] - want[i])).toBeLessThan(scale * 2 ** -20);
      }
    }
  });

  test.each([
    [1, 1],
    [7, 1],
    [1, 13],
    [49, 3],
    [3136, 1],
    [1, 64],
    [9, 64],
  ])('maskApply repeat %d inner %d', (repeat, inner) => {
    const blocks = 5,
      len = blocks * repeat * inner;
    const x = normal(len, { seed: repeat + inner });
    const mask = Uint8Array.from(randomBits(blocks * inner, { seed: 5 }), (s) => (s % 3 ? 1 : 0));
    for (const m of [mask, null]) {
      const want = new Float32Array(len),
        got = new Float32Array(len);
      js.maskApply(want, x, m, repeat, inner, 1.25, -2);
      v.run(() => b.maskApply(got, x, m, repeat, inner, 1.25, -2));
      expectSameBits(got, want, 'maskApply');
      const inPlace = x.slice();
      v.run(() => b.maskApply(inPlace, inPlace, m, repeat, inner, 1.25, -2));
      expectSameBits(inPlace, want, 'maskApply in place');
    }
  });
});

describe('the native bindings check their arguments', () => {
  const b = compiled().find((v) => v.name === 'native') ? loadBackend('native') : null;
  const run = b ? test : test.skip;
  run('bad geometry and short buffers are RangeErrors, not memory errors', () => {
    const native = b!;
    const x = new Float32Array(16),
      out = new Float32Array(4);
    const g = { n: 1, c: 1, h: 4, w: 4, kh: 2, kw: 2, sh: 2, sw: 2, channelsLast: false };
    expect(() => native.maxPool(out, x, null, { ...g, h: 5 }, 1, null)).toThrow(/n \* c \* h \* w/);
    expect(() => native.maxPool(new Float32Array(3), x, null, g, 1, null)).toThrow(/out.length/);
    expect(() => native.maxPool(out, x, new Uint32Array(0), g, 1, null)).toThrow(/keep/);
    expect(() => native.maxPool(out, x, null, { ...g, kh: 5 }, 1, null)).toThrow(/fit/);
    expect(() => native.maxPool(out, x, null, { ...g, sh: 0 }, 1, null)).toThrow(/stride/);
    expect(() => native.maxPool(out, x, null, g, 1, new Int32Array(2))).toThrow(/argmax/);
    expect(() => native.weightedPool(out, x, g, new Float32Array(3))).toThrow(/weights/);
    expect(() =>
      native.dropBlockMask(new Uint8Array(16), new Uint8Array(8), { n: 1, c: 1, h: 4, w: 4, size: 2, channelsLast: false }),
    ).toThrow(/seeds/);
    expect(() =>
      native.dropBlockMask(new Uint8Array(16), new Uint8Array(1), { n: 1, c: 1, h: 4, w: 4, size: 0, channelsLast: false }),
    ).toThrow(/size/);
    expect(() =>
      native.argmaxPlanes(new Int32Array(4), x, null, {
        outer: 4,
        inner: 1,
        outerStride: 4,
        innerStride: 0,
        count: 5,
        elemStride: 1,
      }),
    ).toThrow(/inside x/);
    expect(() =>
      native.argmaxPlanes(new Int32Array(4), x, new Uint8Array(2), {
        outer: 4,
        inner: 1,
        outerStride: 4,
        innerStride: 0,
        count: 4,
        elemStride: 1,
      }),
    ).toThrow(/select/);
    expect(() => native.maskApply(new Float32Array(16), x, new Uint8Array(1), 4, 1, 1, 0)).toThrow(/mask.length/);
    expect(() => native.maskApply(new Float32Array(16), x, new Uint8Array(8), 3, 1, 1, 0)).toThrow(/multiple/);
    expect(() => native.maskApply(new Float32Array(16), x, null, 0, 1, 1, 0)).toThrow(/repeat/);
    const w = new Float32Array(12),
      xg = new Float32Array(8),
      keepBits = new Uint32Array(2);
    expect(() => native.maskedGemv(new Float32Array(6), xg, w, null, 2, 3, 4, keepBits, 1, 1)).not.toThrow();
    expect(() => native.maskedGemv(new Float32Array(5), xg, w, null, 2, 3, 4, keepBits, 1, 1)).toThrow(/y.length/);
    expect(() => native.maskedGemv(new Float32Array(6), xg, w, null, 2, 3, 4, new Uint32Array(1), 1, 1)).toThrow(/keep/);
    expect(() => native.maskedGemv(new Float32Array(6), xg, w, new Float32Array(2), 2, 3, 4, keepBits, 1, 1)).toThrow(/biases/);
    expect(() => native.maskedGemv(xg.subarray(0, 6), xg, w, null, 2, 3, 4, keepBits, 1, 1)).toThrow(/overlap/);
    const shared = new Float32Array(20);
    expect(() => native.maskApply(shared.subarray(0, 16), shared.subarray(2, 18), null, 1, 1, 1, 0)).toThrow(/overlap/);
  });
});
