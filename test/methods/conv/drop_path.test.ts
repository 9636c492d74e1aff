// DropPath / stochastic depth on every backend: per-example and batch decisions on a residual
// branch, the rate and the mean, the linear depth rule, test-time scaling and the backward.
import { dropPath, dropPathBackward, dropPathKeep, effectiveP, normal, stochasticDepthRates } from '../../../lib/index';
import { binomialZ, variants } from '../../helpers';

describe.each(variants())('DropPath / stochastic depth on $label', (v) => {
  const backend = v.name;

  const [N, D] = [20000, 6];
  const x = normal(N * D, { seed: 71 }),
    f = normal(N * D, { seed: 72 });

  test('per example y − x is 0 or F/q exactly; batch mode agrees across examples; rate and mean tests', () => {
    const p = 0.3,
      q = 1 - effectiveP(p),
      s = Math.fround(1 / q);
    const y = v.run(() => dropPath(x, f, { p, shape: [N, D], seed: 73, backend }));
    let kept = 0,
      bad = 0,
      mean = 0,
      ref = 0;
    for (let n = 0; n < N; n++) {
      const k =
        y[n * D] !== x[n * D] || f[n * D] === 0 ? (y[n * D] === Math.fround(x[n * D] + Math.fround(f[n * D] * s)) ? 1 : 0) : 0;
      kept += k;
      for (let d = 0; d < D; d++) {
        const i = n * D + d;
        if (y[i] !== (k ? Math.fround(x[i] + Math.fround(f[i] * s)) : x[i])) bad++;
        mean += y[i];
        ref += x[i] + f[i];
      }
    }
    expect(bad).toBe(0);
    expect(Math.abs(binomialZ(kept, N, q))).toBeLessThan(5);
    expect(Math.abs(mean - ref) / (N * D)).toBeLessThan(0.02);
    const keep = dropPathKeep({ p, shape: [N, D], seed: 73, backend });
    expect(keep.reduce((a, b) => a + b, 0)).toBe(kept);
    for (const seed of [1, 2, 3, 4]) {
      const yb = v.run(() =>
        dropPath(x.subarray(0, 60), f.subarray(0, 60), { p: 0.5, shape: [10, 6], granularity: 'batch', seed, backend }),
      );
      const dropped = yb.every((a, i) => a === x[i]);
      const all = yb.every((a, i) => a === Math.fround(x[i] + Math.fround(f[i] * 2)));
      expect(dropped || all).toBe(true);
    }
  });

  test('linear depth rule; test-time scaling; backward', () => {
    const rates = stochasticDepthRates(10);
    expect(1 - rates[0]).toBeCloseTo(1 - 0.5 / 10, 12);
    expect(1 - rates[9]).toBeCloseTo(0.5, 12);
    const q = 1 - effectiveP(0.25);
    const e = v.run(() => dropPath(x, f, { p: 0.25, shape: [N, D], scaling: 'test-time', mode: 'eval', backend }));
    expect(e[3]).toBe(Math.fround(x[3] + Math.fround(f[3] * Math.fround(q))));
    const inv = v.run(() => dropPath(x, f, { p: 0.25, shape: [N, D], mode: 'eval', backend }));
    expect(inv[3]).toBe(Math.fround(x[3] + f[3]));
    const o = { p: 0.4, shape: [N, D], seed: 74, backend } as const;
    const y = v.run(() => dropPath(x, f, o));
    const dF = v.run(() => dropPathBackward(f, o));
    for (let i = 0; i < 600; i++) expect(Math.fround(x[i] + dF[i])).toBe(y[i]);
  });
});

describe('bad input to DropPath', () => {
  const x = new Float32Array(2 * 3 * 4 * 4);
  test.each([
    [() => dropPath(x, new Float32Array(3), { p: 0.1 }), RangeError, /branch.length/],
    [() => dropPath(x, x, { p: 0.1, shape: [5, 5] }), RangeError, /shape/],
    [() => dropPathBackward(x, { p: 0.1 }), TypeError, /seed/],
    [() => stochasticDepthRates(0), RangeError, /blocks/],
  ])('%#', (call, type, message) => {
    expect(call).toThrow(type);
    expect(call).toThrow(message);
  });
});
