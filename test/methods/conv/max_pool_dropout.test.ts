// Max-pooling dropout and probabilistic weighted pooling on every backend and both layouts: the
// distribution of the pooled output, weighted pooling, the gradient's path, and layout agreement.
import {
  effectiveP,
  maxPoolDropout,
  maxPoolDropoutBackward,
  maxPoolDropoutShape,
  normal,
  weightedPoolingWeights,
} from '../../../lib/index';
import { LAYOUTS, binomialZ, expectSameBits, finiteDifference, indexer, shapeOf, toLayout, variants } from '../../helpers';

describe.each(variants())('max-pooling dropout on $label', (v) => {
  const backend = v.name;

  describe.each(LAYOUTS)('%s layout', (layout) => {
    // 2×2 windows holding {0.1, 0.5, 0.3, 0.9} everywhere: N·C independent windows per call
    const N = 500,
      C = 200,
      values = [0.1, 0.5, 0.3, 0.9];
    const at = indexer(C, 2, 2, layout);
    const x = new Float32Array(N * C * 4);
    for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) values.forEach((a, k) => (x[at(n, c, k >> 1, k & 1)] = a));
    const shape = shapeOf(N, C, 2, 2, layout);

    test.each([0.5, 0.3])('the output is a_(k) with probability q·p^(n−k), 0 with p^n; mean ≈ weighted pooling (p = %p)', (p) => {
      const y = v.run(() => maxPoolDropout(x, { shape, layout, p, kernel: 2, seed: 11, backend }));
      expect(y.length).toBe(N * C);
      const sorted = Float32Array.from(values).sort();
      const counts = new Map<number, number>();
      for (const o of y) counts.set(o, (counts.get(o) ?? 0) + 1);
      const pe = effectiveP(p),
        q = 1 - pe;
      expect(Math.abs(binomialZ(counts.get(0) ?? 0, y.length, pe ** 4))).toBeLessThan(5);
      sorted.forEach((a, k) => expect(Math.abs(binomialZ(counts.get(a) ?? 0, y.length, q * pe ** (3 - k)))).toBeLessThan(5));
      let s = 0,
        s2 = 0;
      for (const o of y) {
        s += o;
        s2 += o * o;
      }
      const mean = s / y.length,
        sd = Math.sqrt(s2 / y.length - mean * mean);
      const weighted = v.run(() => maxPoolDropout(x, { shape, layout, p, mode: 'eval', backend }));
      expect(Math.abs(mean - weighted[0]) / (sd / Math.sqrt(y.length))).toBeLessThan(5);
    });

    test('weighted pooling gives 0.61875, weights sum to 1 − p^n, p = 0 is max pooling', () => {
      const y = v.run(() =>
        maxPoolDropout(x.subarray(0, 4 * C), { shape: shapeOf(1, C, 2, 2, layout), layout, p: 0.5, mode: 'eval', backend }),
      );
      expect(y[0]).toBeCloseTo(0.61875, 6);
      expect(y.every((o) => o === y[0])).toBe(true);
      const w = weightedPoolingWeights(0.3, 9);
      expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1 - effectiveP(0.3) ** 9, 12);
      const m = normal(2 * 3 * 6 * 8, { seed: 3 });
      for (const mode of ['train', 'eval'] as const) {
        const y0 = v.run(() =>
          maxPoolDropout(m, {
            shape: shapeOf(2, 3, 6, 8, layout),
            layout,
            p: 0,
            kernel: [3, 2],
            stride: [2, 2],
            mode,
            seed: 1,
            backend,
          }),
        );
        const idx = indexer(3, 6, 8, layout),
          odx = indexer(3, 2, 4, layout);
        for (let n = 0; n < 2; n++)
          for (let c = 0; c < 3; c++)
            for (let i = 0; i < 2; i++)
              for (let j = 0; j < 4; j++) {
                let best = -Infinity;
                for (let a = 0; a < 3; a++) for (let b = 0; b < 2; b++) best = Math.max(best, m[idx(n, c, 2 * i + a, 2 * j + b)]);
                expect(y0[odx(n, c, i, j)]).toBe(best);
              }
      }
      const scaled = v.run(() => maxPoolDropout(x, { shape, layout, p: 0.5, mode: 'eval', inference: 'scaled-max', backend }));
      expect(scaled[0]).toBe(Math.fround(0.9 * 0.5));
    });

    test('the gradient reaches exactly one input per window, none when all are dropped; finite differences agree', () => {
      const xs = x.subarray(0, 4 * 100 * C);
      const opts = { shape: shapeOf(100, C, 2, 2, layout), layout, p: 0.5, seed: 5, backend } as const;
      const y = v.run(() => maxPoolDropout(xs, opts));
      const dx = v.run(() => maxPoolDropoutBackward(new Float32Array(y.length).fill(1), xs, opts));
      for (let n = 0; n < 100; n++)
        for (let c = 0; c < C; c++) {
          let hits = 0;
          for (let k = 0; k < 4; k++) hits += dx[at(n, c, k >> 1, k & 1)];
          expect(hits).toBe(y[n * C + c] === 0 ? 0 : 1);
        }
      const small = normal(2 * 3 * 4 * 4, { seed: 7 }).map(Math.abs),
        g = normal(2 * 3 * 2 * 2, { seed: 8 });
      for (const mode of ['train', 'eval'] as const) {
        const o = { shape: shapeOf(2, 3, 4, 4, layout), layout, p: 0.4, mode, seed: 9, backend } as const;
        const d = v.run(() => maxPoolDropoutBackward(g, small, o));
        const loss = () => v.run(() => maxPoolDropout(small, o)).reduce((s, yy, i) => s + g[i] * yy, 0);
        for (let i = 0; i < small.length; i += 5) expect(d[i]).toBeCloseTo(finiteDifference(small, i, 1e-4, loss), 2);
      }
    });

    test('eval is the same map in both layouts (a transpose)', () => {
      const m = normal(2 * 3 * 6 * 6, { seed: 12 });
      const a = v.run(() => maxPoolDropout(m, { shape: [2, 3, 6, 6], p: 0.3, kernel: 3, stride: 1, mode: 'eval', backend }));
      const b = v.run(() =>
        maxPoolDropout(toLayout(m, 2, 3, 6, 6, 'NHWC'), {
          shape: [2, 6, 6, 3],
          layout: 'NHWC',
          p: 0.3,
          kernel: 3,
          stride: 1,
          mode: 'eval',
          backend,
        }),
      );
      expectSameBits(b, toLayout(a, 2, 3, 4, 4, 'NHWC'), 'weighted pooling');
      expect(maxPoolDropoutShape({ shape: [2, 6, 6, 3], layout: 'NHWC', kernel: 3, stride: 1 })).toEqual([2, 4, 4, 3]);
    });
  });
});

describe('bad input to max-pooling dropout', () => {
  const x = new Float32Array(2 * 3 * 4 * 4);
  test.each([
    [() => maxPoolDropout(x, { shape: [2, 3, 4, 5] }), RangeError, /shape/],
    [() => maxPoolDropout(x, { shape: [6, 4, 4] }), RangeError, /rank 4/],
    [() => maxPoolDropout(x, {} as never), TypeError, /shape/],
    [() => maxPoolDropout(x, { shape: [2, 3, 4, 4], kernel: 5 }), RangeError, /kernel/],
    [() => maxPoolDropout(x, { shape: [2, 3, 4, 4], kernel: [2, 0] }), RangeError, /kernel\[1\]/],
    [() => maxPoolDropout(x, { shape: [2, 3, 4, 4], layout: 'NWHC' as never }), RangeError, /layout/],
    [() => maxPoolDropout(x, { shape: [2, 3, 4, 4], p: 2 }), RangeError, /p/],
    [() => maxPoolDropout(x, { shape: [2, 3, 4, 4], out: new Float32Array(3) }), RangeError, /out.length/],
    [() => maxPoolDropoutBackward(new Float32Array(1), x, { shape: [2, 3, 4, 4], seed: 1 }), RangeError, /dy.length/],
  ])('%#', (call, type, message) => {
    expect(call).toThrow(type);
    expect(call).toThrow(message);
  });
});
